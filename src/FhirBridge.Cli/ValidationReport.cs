using System.Text;
using System.Text.Json;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Utility;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Cli;

/// <summary>Writes validation outcomes as a readable per-file report or as a JSON array of <c>{file, outcome}</c>.</summary>
public static class ValidationReport
{
    public static void WriteText(IReadOnlyList<FileOutcome> outcomes, TextWriter output)
    {
        foreach (var file in outcomes)
        {
            var warnings = Count(file.Warnings, "warning");
            output.WriteLine(file.Errors == 0
                ? $"{file.File}: OK{(file.Warnings > 0 ? ", " + warnings : "")}"
                : $"{file.File}: {Count(file.Errors, "error")}, {warnings}");
            foreach (var issue in file.Outcome.Issue.Where(i => i.Severity is not IssueSeverity.Information))
            {
                var severity = issue.Severity?.GetLiteral() ?? "error";
                var expression = issue.Expression.Any() ? string.Join(", ", issue.Expression) : "-";
                output.WriteLine($"  {severity,-8}{expression}: {issue.Diagnostics ?? issue.Details?.Text}");
            }
        }

        var failed = outcomes.Count(o => o.Errors > 0);
        output.WriteLine($"{Count(outcomes.Count, "file")} validated, {failed} with errors.");
    }

    public static void WriteJson(IReadOnlyList<FileOutcome> outcomes, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var file in outcomes)
            {
                json.WriteStartObject();
                json.WriteString("file", file.File);
                json.WritePropertyName("outcome");
                json.WriteRawValue(FhirSerializer.ToJson(file.Outcome));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
