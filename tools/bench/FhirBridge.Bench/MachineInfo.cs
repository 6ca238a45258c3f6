using System.Globalization;
using System.Runtime.InteropServices;

namespace FhirBridge.Bench;

/// <summary>The machine the figures come from, read from /proc where available.</summary>
internal sealed record MachineInfo(int Cores, string Memory, string CpuModel, string OperatingSystem)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        MemTotal() ?? "unknown",
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        RuntimeInformation.OSDescription);

    private static string? MemTotal()
    {
        var kib = ProcField("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.TryParse(kib, out var value)
            ? string.Create(CultureInfo.InvariantCulture, $"{value / 1024.0 / 1024.0:F1} GiB")
            : null;
    }

    private static string? ProcField(string path, string name) =>
        File.Exists(path)
            ? File.ReadLines(path)
                .Select(line => line.Split(':', 2))
                .Where(parts => parts.Length == 2 && parts[0].Trim() == name)
                .Select(parts => parts[1].Trim())
                .FirstOrDefault()
            : null;
}
