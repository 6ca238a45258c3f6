using System.Text.Json;

namespace FhirBridge.Bench;

/// <summary>The results file: one JSON <see cref="ScenarioResult"/> per line, appended to by every run.</summary>
internal static class ResultsFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static Task AppendAsync(string path, ScenarioResult result) =>
        File.AppendAllTextAsync(path, JsonSerializer.Serialize(result, Options) + Environment.NewLine);

    public static async Task<IReadOnlyList<ScenarioResult>> ReadAsync(string path) =>
        (await File.ReadAllLinesAsync(path))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<ScenarioResult>(line, Options)
                ?? throw new InvalidDataException($"Empty result line in {path}."))
            .ToList();
}
