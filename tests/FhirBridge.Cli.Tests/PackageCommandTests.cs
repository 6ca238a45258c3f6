using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;

namespace FhirBridge.Cli.Tests;

public sealed class PackageCommandTests
{
    [Fact]
    public void Package_BuildsATarballThatLoadsBackWithEveryProfile()
    {
        using var folder = new TempFolder();
        var tgz = Path.Combine(folder.Path, "out", "package.tgz");

        var result = Cli.Run("package", "--source", Cli.Profiles, "--out", tgz);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Wrote {tgz}", result.Output);
        var loaded = ConformanceSource.Load(tgz);
        Assert.Empty(loaded.LoadProblems);
        var definitions = ConformanceSource.Load(Directory.EnumerateFiles(Cli.Profiles, "*.json").Where(f => !f.EndsWith("package.json", StringComparison.Ordinal)));
        Assert.Equal(Urls(definitions), Urls(loaded));
        Assert.Contains(loaded.Resources, r => r is StructureDefinition { Url: "https://fhirbridge.fi/fhir/StructureDefinition/FollowUpTask" });
    }

    [Fact]
    public void Package_IndexListsEveryResourceWithItsCanonical()
    {
        using var folder = new TempFolder();
        var tgz = Path.Combine(folder.Path, "package.tgz");
        Assert.Equal(0, Cli.Run("package", "--source", Cli.Profiles, "--out", tgz).ExitCode);

        var entries = ReadTarball(tgz);

        using var index = JsonDocument.Parse(entries["package/.index.json"]);
        Assert.Equal(1, index.RootElement.GetProperty("index-version").GetInt32());
        var files = index.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("filename").GetString()!);
        var profiles = Directory.EnumerateFiles(Cli.Profiles, "*.json").Select(Path.GetFileName).Where(f => f != "package.json").Order(StringComparer.Ordinal);
        Assert.Equal(profiles, files.Keys.Order(StringComparer.Ordinal));
        var episode = files["StructureDefinition-JointClientEpisode.json"];
        Assert.Equal("StructureDefinition", episode.GetProperty("resourceType").GetString());
        Assert.Equal("https://fhirbridge.fi/fhir/StructureDefinition/JointClientEpisode", episode.GetProperty("url").GetString());
        Assert.Equal("resource", episode.GetProperty("kind").GetString());
        Assert.Equal("EpisodeOfCare", episode.GetProperty("type").GetString());
        Assert.Equal("0.1.0", episode.GetProperty("version").GetString());
        Assert.All(files.Keys, f => Assert.True(entries.ContainsKey("package/" + f), f));
    }

    [Fact]
    public void Package_PutsExamplesUnderExamplesAndLeavesOutNonResources()
    {
        using var folder = new TempFolder();
        var tgz = Path.Combine(folder.Path, "package.tgz");
        var result = Cli.Run("package", "--source", Cli.Profiles, "--out", tgz);

        var entries = ReadTarball(tgz);

        Assert.Equal(File.ReadAllText(Path.Combine(Cli.Profiles, "package.json")), entries["package/package.json"]);
        Assert.Equal(File.ReadAllText(Cli.Example("Task-seuranta-1.json")), entries["package/examples/Task-seuranta-1.json"]);
        Assert.True(entries.ContainsKey("package/examples/.index.json"));
        Assert.False(entries.ContainsKey("package/examples/expected-outcomes.json"));
        Assert.Contains("left out examples/expected-outcomes.json", result.Error);
        Assert.Equal(entries.Keys.Order(StringComparer.Ordinal), entries.Keys);
    }

    [Fact]
    public void Package_TwoBuildsAreByteForByteEqual()
    {
        using var folder = new TempFolder();
        var first = Path.Combine(folder.Path, "first.tgz");
        var second = Path.Combine(folder.Path, "second.tgz");

        Assert.Equal(0, Cli.Run("package", "--source", Cli.Profiles, "--out", first).ExitCode);
        Assert.Equal(0, Cli.Run("package", "--source", Cli.Profiles, "--out", second).ExitCode);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void Package_InvalidResource_ExitsOneAndWritesNothing()
    {
        using var source = new TempFolder();
        source.File("package.json", """{"name": "example.broken", "version": "1.0.0"}""");
        source.File("Task-broken.json", """{"resourceType": "Task", "status": 42}""");
        var tgz = Path.Combine(source.Path, "out.tgz");

        var result = Cli.Run("package", "--source", source.Path, "--out", tgz);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Task-broken.json", result.Error);
        Assert.False(File.Exists(tgz));
    }

    [Fact]
    public void Package_SourceWithoutManifest_ExitsTwo()
    {
        using var source = new TempFolder();

        var result = Cli.Run("package", "--source", source.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("package.json", result.Error);
    }

    private static IEnumerable<string> Urls(ConformanceSource source) =>
        source.Resources.OfType<IVersionableConformanceResource>().Select(r => r.Url).Order(StringComparer.Ordinal);

    private static Dictionary<string, string> ReadTarball(string tgz)
    {
        var entries = new Dictionary<string, string>();
        using var file = File.OpenRead(tgz);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { DataStream: { } data } entry)
        {
            using var reader = new StreamReader(data);
            entries.Add(entry.Name, reader.ReadToEnd());
        }

        return entries;
    }
}
