namespace FhirBridge.Cli;

/// <summary>The process exit codes of every command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int ErrorsFound = 1;
    public const int UsageError = 2;
}
