namespace FhirBridge.Cli;

/// <summary>The command line is wrong or an input cannot be read: reported on stderr with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
