using FhirBridge.Core.Validation;

namespace FhirBridge.Cli;

/// <summary><c>fhirbridge validate</c>: validates resource files against base R4 and the FhirBridge profiles.</summary>
public sealed class ValidateCommand : ICommand
{
    private const string ProfileOption = "profile";
    private const string PackageOption = "package";
    private const string JsonFlag = "json";

    public string Name => "validate";

    public string Summary => "Validate FHIR resource files (.json, .xml) against base R4 and the FhirBridge profiles.";

    public string Help => """
        Usage: fhirbridge validate <file|folder>... [--profile URL] [--package DIR|TGZ]... [--json]

        Validates every .json and .xml FHIR resource file given, searching folders recursively (JSON files that are
        not FHIR resources, such as package.json, are skipped in folders). Each resource is validated against base R4
        and the profiles in its meta.profile; each entry of a Bundle is validated too, with references to other
        entries resolved inside the Bundle. The FhirBridge package is always loaded.

        Options:
          --profile URL        Validate against this profile instead of the ones in meta.profile.
          --package DIR|TGZ    Also load the profiles, value sets and code systems of a folder or package tarball;
                               may be repeated. Definitions given here take precedence over the built-in package.
          --json               Print a JSON array of {"file", "outcome"} with one OperationOutcome per file.

        Exit codes: 0 no errors, 1 errors found, 2 usage error or unreadable input.

        """;

    public IReadOnlySet<string> Options { get; } = new HashSet<string>(StringComparer.Ordinal) { ProfileOption, PackageOption };

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal) { JsonFlag };

    public int Run(Arguments arguments, TextWriter output, TextWriter error)
    {
        if (arguments.Positional.Count == 0)
        {
            throw new UsageException("name at least one file or folder to validate.");
        }

        var validator = new ProfileValidator(LoadSource(arguments.All(PackageOption), error));
        var profile = arguments.Single(ProfileOption);
        if (profile is not null && !validator.IsLoaded(profile))
        {
            throw new UsageException($"profile {profile} is not loaded; give the package that defines it with --package.");
        }

        var files = ResourceFiles.Find(arguments.Positional);
        var fileValidator = new FileValidator(validator, profile);
        var outcomes = files.Select(f => new FileOutcome(f, fileValidator.Validate(f))).ToList();
        if (arguments.Has(JsonFlag))
        {
            ValidationReport.WriteJson(outcomes, output);
        }
        else
        {
            ValidationReport.WriteText(outcomes, output);
        }

        return outcomes.Any(o => o.Errors > 0) ? ExitCodes.ErrorsFound : ExitCodes.Ok;
    }

    private static ConformanceSource LoadSource(IReadOnlyList<string> packages, TextWriter error)
    {
        if (packages.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p)) is { } missing)
        {
            throw new UsageException($"package {missing}: no such file or folder.");
        }

        var loaded = ConformanceSource.Load(packages);
        foreach (var problem in loaded.LoadProblems)
        {
            error.WriteLine($"warning: skipped {problem}");
        }

        return new ConformanceSource([.. loaded.Resources, .. FhirBridgePackage.Resources], loaded.LoadProblems);
    }
}
