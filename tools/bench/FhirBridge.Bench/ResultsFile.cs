using System.Text.Json;

namespace FhirBridge.Bench;

/// <summary>A results file: one JSON record per line, appended to by every run.</summary>
internal static class ResultsFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static Task AppendAsync<T>(string path, T result) =>
        File.AppendAllTextAsync(path, JsonSerializer.Serialize(result, Options) + Environment.NewLine);

    public static async Task<IReadOnlyList<T>> ReadAsync<T>(string path) =>
        (await File.ReadAllLinesAsync(path))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<T>(line, Options)
                ?? throw new InvalidDataException($"Empty result line in {path}."))
            .ToList();
}
