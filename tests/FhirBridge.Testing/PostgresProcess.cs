using System.Diagnostics;

namespace FhirBridge.Testing;

/// <summary>Runs PostgreSQL tools, as the postgres user when the test process is root (initdb and pg_ctl refuse root).</summary>
internal static class PostgresProcess
{
    private static readonly bool IsRoot = Environment.UserName == "root";

    public static async Task RunAsync(string executable, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo
        {
            FileName = IsRoot ? "runuser" : executable,
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (IsRoot)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", executable })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        // Drain both pipes while waiting, so that a chatty tool cannot block on a full pipe.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(executable)} failed with exit code {process.ExitCode}: {await error}{await output}");
        }
    }

    /// <summary>The shell command line that runs <paramref name="executable"/> (as postgres when root).</summary>
    public static string CommandLine(string executable, IEnumerable<string> arguments) =>
        string.Join(' ', (IsRoot ? ["runuser", "-u", "postgres", "--", executable] : new[] { executable }).Concat(arguments).Select(Quote));

    /// <summary>Starts a process outside this one's process tree that runs <paramref name="stopCommand"/> and deletes <paramref name="directory"/> once <paramref name="pid"/> has exited.</summary>
    public static void StartWatchdog(int pid, string stopCommand, string directory)
    {
        var start = new ProcessStartInfo { FileName = "setsid", RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-f", "sh", "-c", $"while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stopCommand} >/dev/null 2>&1; rm -rf {Quote(directory)}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog.");
        process.StandardInput.Close();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static async Task<string?> TryOutputAsync(string executable, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo { FileName = executable, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
