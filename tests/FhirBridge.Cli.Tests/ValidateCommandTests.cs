using System.Text.Json;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Cli.Tests;

public sealed class ValidateCommandTests
{
    private const string FollowUpTask = "https://fhirbridge.fi/fhir/StructureDefinition/FollowUpTask";

    [Fact]
    public void Validate_ValidExample_ExitsZeroAndReportsOk()
    {
        var file = Cli.Example("Task-seuranta-1.json");

        var result = Cli.Run("validate", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{file}: OK", result.Output);
        Assert.Contains("1 file validated, 0 with errors.", result.Output);
    }

    [Fact]
    public void Validate_InvalidExample_ExitsOneWithTheExpectedMessage()
    {
        var file = Cli.Example("Task-invalid-intent.json");

        var result = Cli.Run("validate", file);

        Assert.Equal(1, result.ExitCode);
        var lines = result.Output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal($"{file}: 1 error, 0 warnings", lines[0]);
        Assert.StartsWith("error   Task.intent: ", lines[1]);
        Assert.Contains("exactly 'order'", lines[1]);
        Assert.Contains("found 'plan'", lines[1]);
    }

    [Fact]
    public void Validate_Json_PrintsOneOperationOutcomePerFile()
    {
        var valid = Cli.Example("Task-seuranta-1.json");
        var invalid = Cli.Example("Task-invalid-intent.json");

        var result = Cli.Run("validate", valid, invalid, "--json");

        Assert.Equal(1, result.ExitCode);
        var files = JsonOutcomes(result.Output);
        Assert.Equal([valid, invalid], files.Keys);
        Assert.DoesNotContain(files[valid].Issue, IsError);
        var error = Assert.Single(files[invalid].Issue, IsError);
        Assert.Equal(["Task.intent"], error.Expression);
    }

    [Fact]
    public void Validate_ExamplesFolder_AgreesWithExpectedOutcomesAndSkipsNonResources()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Cli.Example("expected-outcomes.json")));
        var examples = expected.RootElement.GetProperty("examples").EnumerateArray()
            .ToDictionary(e => Cli.Example(e.GetProperty("file").GetString()!), e => e.GetProperty("valid").GetBoolean());

        var result = Cli.Run("validate", Cli.Examples, "--json");

        Assert.Equal(1, result.ExitCode);
        var files = JsonOutcomes(result.Output);
        Assert.Equal(examples.Keys.Order(StringComparer.Ordinal), files.Keys);
        Assert.All(examples, e => Assert.Equal(e.Value, !files[e.Key].Issue.Any(IsError)));
    }

    [Fact]
    public void Validate_AllValidFiles_ExitsZero()
    {
        var result = Cli.Run("validate", Cli.Example("Task-seuranta-1.json"), Cli.Example("CareTeam-omatiimi-1.json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2 files validated, 0 with errors.", result.Output);
    }

    [Fact]
    public void Validate_MissingFile_ExitsTwoNamingIt()
    {
        var result = Cli.Run("validate", Cli.Example("Task-seuranta-1.json"), "no-such-file.json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-file.json: no such file or folder", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void Validate_UnparsableFileInAFolder_IsAnErrorOfThatFile()
    {
        using var folder = new TempFolder();
        var file = folder.File("broken.json", """{"resourceType": "Task", "status": 42""");
        folder.File("settings.json", """{"not": "a resource"}""");

        var result = Cli.Run("validate", folder.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{file}: 1 error, 0 warnings", result.Output);
        Assert.Contains("Malformed JSON", result.Output);
        Assert.DoesNotContain("settings.json", result.Output);
        Assert.Contains("1 file validated, 1 with errors.", result.Output);
    }

    [Fact]
    public void Validate_XmlFile_IsValidated()
    {
        using var folder = new TempFolder();
        var task = FhirSerializer.ParseJson(File.ReadAllText(Cli.Example("Task-invalid-intent.json")));
        var file = folder.File("task.xml", FhirSerializer.ToXml(task));

        var result = Cli.Run("validate", folder.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{file}: 1 error", result.Output);
        Assert.Contains("error   Task.intent: ", result.Output);
    }

    [Fact]
    public void Validate_Bundle_ValidatesEachEntryAtItsPlaceInTheBundle()
    {
        using var folder = new TempFolder();
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry =
            [
                Entry("Task-seuranta-1.json"),
                Entry("Task-invalid-intent.json"),
            ],
        };
        var file = folder.File("bundle.json", FhirSerializer.ToJson(bundle));

        var result = Cli.Run("validate", file, "--json");

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(JsonOutcomes(result.Output)[file].Issue, IsError);
        Assert.Equal(["Bundle.entry[1].resource.intent"], error.Expression);
    }

    [Fact]
    public void Validate_Profile_ValidatesAgainstTheGivenProfile()
    {
        var careTeam = Cli.Example("CareTeam-omatiimi-1.json");

        var result = Cli.Run("validate", careTeam, "--profile", FollowUpTask);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"profile {FollowUpTask} constrains Task, not CareTeam", result.Output);
    }

    [Fact]
    public void Validate_UnknownProfile_ExitsTwo()
    {
        var result = Cli.Run("validate", Cli.Example("Task-seuranta-1.json"), "--profile", "https://example.org/StructureDefinition/none");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("profile https://example.org/StructureDefinition/none is not loaded", result.Error);
    }

    [Fact]
    public void Validate_Package_LoadsExtraDefinitions()
    {
        using var folder = new TempFolder();
        var profile = new StructureDefinition
        {
            Url = "https://example.org/StructureDefinition/StrictTask",
            Name = "StrictTask",
            Status = PublicationStatus.Draft,
            Kind = StructureDefinition.StructureDefinitionKind.Resource,
            Abstract = false,
            Type = "Task",
            BaseDefinition = "http://hl7.org/fhir/StructureDefinition/Task",
            Derivation = StructureDefinition.TypeDerivationRule.Constraint,
            Differential = new StructureDefinition.DifferentialComponent
            {
                Element = [new ElementDefinition("Task.description") { ElementId = "Task.description", Min = 1 }],
            },
        };
        folder.File("StructureDefinition-StrictTask.json", FhirSerializer.ToJson(profile));

        var result = Cli.Run("validate", Cli.Example("Task-seuranta-1.json"), "--package", folder.Path, "--profile", profile.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Task.description", result.Output);
    }

    [Fact]
    public void Validate_MissingPackage_ExitsTwo()
    {
        var result = Cli.Run("validate", Cli.Example("Task-seuranta-1.json"), "--package", "no-such-package.tgz");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("package no-such-package.tgz: no such file or folder", result.Error);
    }

    [Fact]
    public void Validate_NoFiles_ExitsTwo()
    {
        var result = Cli.Run("validate", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("at least one file or folder", result.Error);
    }

    private static Bundle.EntryComponent Entry(string example)
    {
        var resource = FhirSerializer.ParseJson(File.ReadAllText(Cli.Example(example)));
        return new Bundle.EntryComponent { FullUrl = $"https://example.org/fhir/{resource.TypeName}/{resource.Id}", Resource = resource };
    }

    private static bool IsError(OperationOutcome.IssueComponent issue) =>
        issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;

    private static Dictionary<string, OperationOutcome> JsonOutcomes(string output)
    {
        using var json = JsonDocument.Parse(output);
        return json.RootElement.EnumerateArray().ToDictionary(
            e => e.GetProperty("file").GetString()!,
            e => (OperationOutcome)FhirSerializer.ParseJson(e.GetProperty("outcome").GetRawText()));
    }
}
