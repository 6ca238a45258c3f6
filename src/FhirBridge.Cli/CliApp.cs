using System.Text;

namespace FhirBridge.Cli;

/// <summary>The <c>fhirbridge</c> command line: dispatches to a command and maps failures to exit codes.</summary>
public static class CliApp
{
    private const string HelpFlag = "help";

    private static readonly IReadOnlyList<ICommand> Commands = [new ValidateCommand(), new PackageCommand(), new TokenCommand(), new VerifyLogCommand(), new Seed.SeedCommand()];

    /// <summary>Runs <c>fhirbridge</c> with <paramref name="args"/>, writing results to <paramref name="output"/> and problems to <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args is [])
        {
            error.Write(Usage());
            return ExitCodes.UsageError;
        }

        if (args is ["--help" or "-h" or "help", ..])
        {
            output.Write(Usage());
            return ExitCodes.Ok;
        }

        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            error.WriteLine($"fhirbridge: unknown command '{args[0]}'.");
            error.Write(Usage());
            return ExitCodes.UsageError;
        }

        var rest = args[1..];
        if (rest.Any(a => a is "--help" or "-h"))
        {
            output.Write(command.Help);
            return ExitCodes.Ok;
        }

        try
        {
            var flags = new HashSet<string>(command.Flags, StringComparer.Ordinal) { HelpFlag };
            return command.Run(Arguments.Parse(rest, command.Options, flags), output, error);
        }
        catch (UsageException e)
        {
            error.WriteLine($"fhirbridge {command.Name}: {e.Message}");
            error.WriteLine($"Run 'fhirbridge {command.Name} --help' for usage.");
            return ExitCodes.UsageError;
        }
    }

    private static string Usage()
    {
        var text = new StringBuilder()
            .AppendLine("Usage: fhirbridge <command> [options]")
            .AppendLine()
            .AppendLine("Commands:");
        foreach (var command in Commands)
        {
            text.AppendLine($"  {command.Name,-12}{command.Summary}");
        }

        return text
            .AppendLine()
            .AppendLine("Run 'fhirbridge <command> --help' for the options of a command.")
            .AppendLine("Exit codes: 0 success, 1 errors found, 2 usage error or unreadable input.")
            .ToString();
    }
}
