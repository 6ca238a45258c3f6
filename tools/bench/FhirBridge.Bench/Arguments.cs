namespace FhirBridge.Bench;

/// <summary>Splits `command --name value ...` into the command and a name → value map.</summary>
internal static class Arguments
{
    public static (string Command, IReadOnlyDictionary<string, string> Options) Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException("Missing command: run or report.");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value' at '{args[i]}'.");
            }

            options[args[i][2..]] = args[i + 1];
        }

        return (args[0], options);
    }
}
