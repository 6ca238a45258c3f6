namespace FhirBridge.Cli.Tests;

/// <summary>Runs <c>fhirbridge</c> in-process and captures what it prints.</summary>
internal static class Cli
{
    public static string Profiles { get; } = Path.Combine(FindSolutionFolder(), "profiles");

    public static string Examples { get; } = Path.Combine(Profiles, "examples");

    public static string Example(string file) => Path.Combine(Examples, file);

    public static Result Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }

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

    /// <summary>The exit code and the text written to stdout and stderr.</summary>
    public sealed record Result(int ExitCode, string Output, string Error);
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fhirbridge-cli-").FullName;

    public string File(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
