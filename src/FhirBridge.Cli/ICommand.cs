namespace FhirBridge.Cli;

/// <summary>One <c>fhirbridge</c> sub-command: its name, help and the options it accepts.</summary>
public interface ICommand
{
    string Name { get; }

    /// <summary>One line for the command list of <c>fhirbridge --help</c>.</summary>
    string Summary { get; }

    /// <summary>The full text of <c>fhirbridge &lt;command&gt; --help</c>.</summary>
    string Help { get; }

    IReadOnlySet<string> Options { get; }

    IReadOnlySet<string> Flags { get; }

    /// <summary>Runs the command; throws <see cref="UsageException"/> for a wrong command line or unreadable input.</summary>
    int Run(Arguments arguments, TextWriter output, TextWriter error);
}
