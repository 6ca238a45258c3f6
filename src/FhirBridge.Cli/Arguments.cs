namespace FhirBridge.Cli;

/// <summary>A parsed command line: positional arguments, <c>--name value</c> options (repeatable) and <c>--flag</c> switches.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options;
    private readonly HashSet<string> _flags;

    private Arguments(List<string> positional, Dictionary<string, List<string>> options, HashSet<string> flags)
    {
        Positional = positional;
        _options = options;
        _flags = flags;
    }

    public IReadOnlyList<string> Positional { get; }

    /// <summary>Parses <paramref name="args"/>; only the named options and flags are accepted, anything else starting with -- is a usage error.</summary>
    public static Arguments Parse(IEnumerable<string> args, IReadOnlySet<string> optionNames, IReadOnlySet<string> flagNames)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        using var cursor = args.GetEnumerator();
        while (cursor.MoveNext())
        {
            var arg = cursor.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            // --name=value is accepted as well as --name value.
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[2..equals] : arg[2..];
            if (flagNames.Contains(name) && equals < 0)
            {
                flags.Add(name);
            }
            else if (optionNames.Contains(name))
            {
                var value = equals > 0 ? arg[(equals + 1)..] : cursor.MoveNext() ? cursor.Current : throw new UsageException($"--{name} needs a value.");
                if (value.Length == 0)
                {
                    throw new UsageException($"--{name} needs a value.");
                }

                options.TryAdd(name, []);
                options[name].Add(value);
            }
            else
            {
                throw new UsageException($"Unknown option {arg}.");
            }
        }

        return new Arguments(positional, options, flags);
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public IReadOnlyList<string> All(string option) => _options.TryGetValue(option, out var values) ? values : [];

    /// <summary>The value of an option given at most once, or null.</summary>
    public string? Single(string option) => All(option) switch
    {
        [] => null,
        [var one] => one,
        _ => throw new UsageException($"--{option} may be given only once."),
    };
}
