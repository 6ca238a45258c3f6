using System.Reflection;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Terminology;

/// <summary>
/// The loaded ConceptMaps: FhirBridge's own (mappings/ in the repository, embedded in this assembly) and any configured
/// folders or files. A file that is not a usable ConceptMap stops the load with a message naming it.
/// </summary>
public sealed class ConceptMapSet
{
    private const string Prefix = "mappings/";
    private static readonly Lazy<IReadOnlyList<(string Name, string Json)>> EmbeddedFiles = new(ReadEmbedded);
    private static readonly Lazy<ConceptMapSet> LazyEmbedded = new(() => Load([]));

    private ConceptMapSet(IReadOnlyList<ConceptMap> maps) => Maps = maps;

    /// <summary>Every loaded map, embedded ones first, in file-name order.</summary>
    public IReadOnlyList<ConceptMap> Maps { get; }

    /// <summary>The embedded maps only.</summary>
    public static ConceptMapSet Embedded => LazyEmbedded.Value;

    /// <summary>
    /// The embedded maps plus the ConceptMap JSON files in <paramref name="paths"/> (folders are read recursively, *.json only);
    /// throws <see cref="InvalidOperationException"/> naming every file that is not a valid ConceptMap.
    /// </summary>
    public static ConceptMapSet Load(params IEnumerable<string> paths)
    {
        var problems = new List<string>();
        var maps = new List<ConceptMap>();
        foreach (var (name, json) in EmbeddedFiles.Value.Concat(paths.SelectMany(p => ReadPath(p, problems))))
        {
            if (Parse(name, json, problems) is { } map)
            {
                maps.Add(map);
            }
        }

        // Check has made sure every loaded map has an id and a url.
        problems.AddRange(Duplicates(maps, m => m.Url!, "url"));
        problems.AddRange(Duplicates(maps, m => m.Id!, "id"));
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Invalid mapping files: {string.Join(" | ", problems)}");
        }

        return new ConceptMapSet(maps);
    }

    /// <summary>The map with canonical <paramref name="canonical"/> (<c>url</c> or <c>url|version</c>), or null.</summary>
    public ConceptMap? FindByUrl(string canonical) =>
        Maps.FirstOrDefault(m => m.Url == canonical || $"{m.Url}|{m.Version}" == canonical);

    /// <summary>The map with logical id <paramref name="id"/>, or null.</summary>
    public ConceptMap? FindById(string id) => Maps.FirstOrDefault(m => m.Id == id);

    private static IEnumerable<(string, string)> ReadPath(string path, List<string> problems)
    {
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(f => (f, File.ReadAllText(f)))
                .ToList();
        }

        if (File.Exists(path))
        {
            return [(path, File.ReadAllText(path))];
        }

        problems.Add($"{path}: no such file or folder");
        return [];
    }

    private static ConceptMap? Parse(string name, string json, List<string> problems)
    {
        Resource resource;
        try
        {
            resource = FhirSerializer.ParseJson(json);
        }
        catch (BadRequestException e)
        {
            problems.Add($"{name}: {string.Join("; ", e.Issues.Select(i => i.Diagnostics))}");
            return null;
        }

        if (resource is not ConceptMap map)
        {
            problems.Add($"{name}: a {resource.TypeName}, not a ConceptMap");
            return null;
        }

        var errors = Check(map).ToList();
        problems.AddRange(errors.Select(e => $"{name}: {e}"));
        return errors.Count == 0 ? map : null;
    }

    // What the translator relies on, and target codes of FhirBridge's own CodeSystems, so a typo fails the start, not a translation.
    private static IEnumerable<string> Check(ConceptMap map)
    {
        if (string.IsNullOrEmpty(map.Id) || string.IsNullOrEmpty(map.Url))
        {
            yield return "a ConceptMap needs an id and a url";
        }

        foreach (var group in map.Group)
        {
            if (string.IsNullOrEmpty(group.Source) || string.IsNullOrEmpty(group.Target))
            {
                yield return "every group needs a source and a target system";
                continue;
            }

            var known = KnownCodes(group.Target);
            foreach (var element in group.Element)
            {
                if (string.IsNullOrEmpty(element.Code))
                {
                    yield return $"group {group.Source}: an element has no code";
                }

                foreach (var target in element.Target)
                {
                    if (target.Equivalence is null)
                    {
                        yield return $"{group.Source}|{element.Code}: a target has no equivalence";
                    }
                    else if (string.IsNullOrEmpty(target.Code) && target.Equivalence != ConceptMapEquivalence.Unmatched)
                    {
                        yield return $"{group.Source}|{element.Code}: only an unmatched target may have no code";
                    }
                    else if (target.Code is { Length: > 0 } code && known is not null && !known.Contains(code))
                    {
                        yield return $"{group.Source}|{element.Code}: {group.Target} has no code '{code}'";
                    }
                }
            }

            if (group.Unmapped is { Mode: ConceptMap.ConceptMapGroupUnmappedMode.Fixed } fixedRule
                && (string.IsNullOrEmpty(fixedRule.Code) || (known is not null && !known.Contains(fixedRule.Code))))
            {
                yield return $"group {group.Source}: the fixed unmapped code '{fixedRule.Code}' is not in {group.Target}";
            }
        }
    }

    private static HashSet<string>? KnownCodes(string system) =>
        FhirBridgePackage.Resources.OfType<CodeSystem>().FirstOrDefault(c => c.Url == system) is { } codeSystem
            ? [.. Flatten(codeSystem.Concept).Select(c => c.Code!)]
            : null;

    private static IEnumerable<CodeSystem.ConceptDefinitionComponent> Flatten(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts) =>
        concepts.SelectMany(c => Flatten(c.Concept).Prepend(c));

    private static IEnumerable<string> Duplicates(IEnumerable<ConceptMap> maps, Func<ConceptMap, string> key, string what) =>
        maps.GroupBy(key).Where(g => g.Count() > 1).Select(g => $"two ConceptMaps have the {what} {g.Key}");

    private static IReadOnlyList<(string, string)> ReadEmbedded()
    {
        var assembly = typeof(ConceptMapSet).Assembly;
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(n => (n, Read(assembly, n))),
        ];
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
