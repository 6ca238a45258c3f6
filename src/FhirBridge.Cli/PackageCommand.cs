namespace FhirBridge.Cli;

/// <summary><c>fhirbridge package</c>: builds the FHIR package tarball from the profiles folder.</summary>
public sealed class PackageCommand : ICommand
{
    private const string SourceOption = "source";
    private const string OutOption = "out";

    public string Name => "package";

    public string Summary => "Build a FHIR package tarball (.tgz) from the profiles folder.";

    public string Help => """
        Usage: fhirbridge package [--source profiles/] [--out <name>-<version>.tgz]

        Builds a standard FHIR package: package/package.json, every JSON resource of the source folder under
        package/, those of its examples/ folder under package/examples/, and a package/.index.json in each. JSON
        files that are not FHIR resources are left out. The output is reproducible: entries are sorted and carry
        fixed timestamps.

        Options:
          --source DIR   The package source folder holding package.json (default: profiles).
          --out FILE     The tarball to write (default: <name>-<version>.tgz from package.json, in this folder).

        Exit codes: 0 written, 1 a resource file is not valid FHIR (nothing written), 2 usage error or unreadable input.

        """;

    public IReadOnlySet<string> Options { get; } = new HashSet<string>(StringComparer.Ordinal) { SourceOption, OutOption };

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal);

    public int Run(Arguments arguments, TextWriter output, TextWriter error)
    {
        if (arguments.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{arguments.Positional[0]}'.");
        }

        var builder = PackageBuilder.Read(arguments.Single(SourceOption) ?? "profiles");
        foreach (var skipped in builder.Skipped)
        {
            error.WriteLine($"note: left out {skipped}: not a FHIR resource.");
        }

        if (builder.Problems.Count > 0)
        {
            foreach (var problem in builder.Problems)
            {
                error.WriteLine($"error: {problem}");
            }

            error.WriteLine("No package written.");
            return ExitCodes.ErrorsFound;
        }

        var target = arguments.Single(OutOption) ?? $"{builder.Name}-{builder.Version}.tgz";
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(target)) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllBytes(target, builder.Build());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{target}: cannot be written ({e.Message}).");
        }

        output.WriteLine($"Wrote {target}: {builder.Name} {builder.Version}, {builder.ResourceCount} resources, {builder.ExampleCount} examples.");
        return ExitCodes.Ok;
    }
}
