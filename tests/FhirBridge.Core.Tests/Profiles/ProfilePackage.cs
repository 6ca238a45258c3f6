using System.Collections.Frozen;
using System.Text.Json;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Profiles;

/// <summary>The FhirBridge FHIR package in profiles/, found from the test assembly and parsed once.</summary>
internal static class ProfilePackage
{
    public const string Canonical = "https://fhirbridge.fi/fhir";
    public const string Name = "fhirbridge.fi.jointcare";
    public const string CoreCanonical = "http://hl7.org/fhir/StructureDefinition/";

    private const string ManifestFile = "package.json";
    private const string OutcomesFile = "examples/expected-outcomes.json";

    private static readonly JsonSerializerOptions OutcomeJson = new() { PropertyNameCaseInsensitive = true };

    public static string Folder { get; } = Path.Combine(FindSolutionFolder(), "profiles");

    /// <summary>Every FHIR resource file, relative to <see cref="Folder"/> with '/' separators.</summary>
    public static IReadOnlyList<string> ResourceFiles { get; } = Directory
        .EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/'))
        .Where(f => f is not ManifestFile and not OutcomesFile)
        .Order(StringComparer.Ordinal)
        .ToList();

    public static IReadOnlyList<string> ExampleFiles { get; } =
        ResourceFiles.Where(IsExample).Select(f => f["examples/".Length..]).ToList();

    // One lazy parse per file, so a broken file fails its own tests rather than every test.
    private static readonly FrozenDictionary<string, Lazy<Resource>> Parsed =
        ResourceFiles.ToFrozenDictionary(f => f, f => new Lazy<Resource>(() => FhirSerializer.ParseJson(ReadText(f))));

    /// <summary>The package's definitions (everything outside examples/).</summary>
    public static IReadOnlyList<Resource> Definitions =>
        [.. ResourceFiles.Where(f => !IsExample(f)).Select(Load)];

    public static IEnumerable<StructureDefinition> StructureDefinitions => Definitions.OfType<StructureDefinition>();

    public static IReadOnlyList<ExpectedOutcome> ExpectedOutcomes { get; } =
        JsonSerializer.Deserialize<OutcomeFile>(ReadText(OutcomesFile), OutcomeJson)!.Examples;

    public static string ReadText(string relativePath) => File.ReadAllText(Path.Combine(Folder, relativePath));

    public static Resource Load(string relativePath) => Parsed[relativePath].Value;

    public static Resource LoadExample(string file) => Load("examples/" + file);

    public static StructureDefinition Profile(string url) =>
        StructureDefinitions.SingleOrDefault(sd => sd.Url == url) ?? throw new InvalidOperationException($"No profile {url} in the package.");

    public static bool Defines(string canonical) =>
        Definitions.OfType<IVersionableConformanceResource>().Any(r => r.Url == canonical);

    public static TheoryData<string> Theory(IEnumerable<string> values) => [.. values];

    private static bool IsExample(string relativePath) => relativePath.StartsWith("examples/", StringComparison.Ordinal);

    private static string FindSolutionFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FhirBridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No FhirBridge.sln above {AppContext.BaseDirectory}.");
    }

    private sealed record OutcomeFile(IReadOnlyList<ExpectedOutcome> Examples);
}

/// <summary>One entry of profiles/examples/expected-outcomes.json.</summary>
internal sealed record ExpectedOutcome(string File, string Profile, bool Valid, IReadOnlyList<ExpectedError> Errors);

/// <summary>An error the validator must report for an invalid example.</summary>
internal sealed record ExpectedError(string Severity, string Rule, string Expression, string? Key, string Reason);

/// <summary>Null-safe access to parsed StructureDefinition content.</summary>
internal static class StructureDefinitionExtensions
{
    public static List<ElementDefinition> DifferentialElements(this StructureDefinition sd) => sd.Differential?.Element ?? [];
}
