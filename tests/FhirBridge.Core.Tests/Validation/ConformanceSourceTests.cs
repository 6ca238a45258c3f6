using System.Formats.Tar;
using System.IO.Compression;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static FhirBridge.Core.Tests.Validation.Definitions;

namespace FhirBridge.Core.Tests.Validation;

public sealed class ConformanceSourceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirbridge-conformance-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly CodeSystem Roles = Codes("roles", "nurse");

    private static readonly Dictionary<string, string> Files = new()
    {
        ["package.json"] = """{"name":"test.package","version":"0.1.0","fhirVersions":["4.0.1"]}""",
        [".index.json"] = """{"index-version":1,"files":[]}""",
        ["StructureDefinition-plan.json"] = FhirSerializer.ToJson(Profile("Plan", "CarePlan", El("CarePlan.title", min: 1))),
        ["CodeSystem-roles.json"] = FhirSerializer.ToJson(Roles),
        ["ValueSet-roles.json"] = FhirSerializer.ToJson(WholeSystem("roles", Roles.Url!)),
        ["Patient-example.json"] = FhirSerializer.ToJson(new Patient { Id = "example" }),
        ["broken.json"] = """{"resourceType":"ValueSet","status":"not-a-status"}""",
        ["notes.txt"] = "not FHIR",
    };

    [Fact]
    public void Load_Folder_IndexesConformanceResourcesAndSkipsTheRest()
    {
        foreach (var (name, text) in Files)
        {
            File.WriteAllText(Path.Combine(_folder, name), text);
        }

        AssertLoaded(ConformanceSource.Load(_folder));
    }

    [Fact]
    public void Load_PackageTarball_ReadsThePackageFolder()
    {
        var tgz = Path.Combine(_folder, "test.package-0.1.0.tgz");
        using (var gzip = new GZipStream(File.Create(tgz), CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var (name, text) in Files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"package/{name}") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) };
                tar.WriteEntry(entry);
            }

            // Outside package/: not part of the package content.
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "other/StructureDefinition-x.json")
            {
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(FhirSerializer.ToJson(Profile("Other", "Patient")))),
            });
        }

        var source = ConformanceSource.Load(tgz);

        AssertLoaded(source);
        Assert.Null(source.FindStructureDefinition(Url("Other")));
    }

    [Fact]
    public void Load_MissingPath_IsReportedNotThrown()
    {
        var source = ConformanceSource.Load(Path.Combine(_folder, "nope"));

        Assert.Empty(source.Resources);
        Assert.Contains("no such file or folder", Assert.Single(source.LoadProblems));
    }

    [Fact]
    public void Loaded_Profile_ValidatesWithTerminologyFromTheSameSource()
    {
        foreach (var (name, text) in Files)
        {
            File.WriteAllText(Path.Combine(_folder, name), text);
        }

        var validator = new ProfileValidator(ConformanceSource.Load(_folder));
        var plan = new CarePlan
        {
            Meta = new Meta { Profile = [Url("Plan")] },
            Status = RequestStatus.Active,
            Intent = CarePlan.CarePlanIntent.Plan,
            Subject = new ResourceReference("Patient/p1"),
        };

        Outcomes.AssertIssue(validator.Validate(plan), OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Required, "CarePlan.title");
    }

    private static void AssertLoaded(ConformanceSource source)
    {
        Assert.Equal(3, source.Resources.Count);
        Assert.NotNull(source.FindStructureDefinition(Url("Plan")));
        Assert.NotNull(source.FindCodeSystem(Roles.Url!));
        Assert.NotNull(source.FindValueSet($"{TestCanonicalBase}ValueSet/roles"));
        Assert.Null(source.FindValueSet(Url("Plan")));
        Assert.Contains("broken.json", Assert.Single(source.LoadProblems));
    }
}
