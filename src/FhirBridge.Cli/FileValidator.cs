using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Cli;

/// <summary>Validates one resource file; a Bundle's entries are each validated too, resolving references within the Bundle.</summary>
public sealed class FileValidator(ProfileValidator validator, string? profileUrl)
{
    /// <summary>The outcome for <paramref name="file"/>; parse errors are errors of the file.</summary>
    public OperationOutcome Validate(string file)
    {
        Resource resource;
        try
        {
            resource = FhirSerializer.Parse(ResourceFiles.Read(file), ResourceFiles.IsXml(file));
        }
        catch (BadRequestException e)
        {
            return e.ToOperationOutcome();
        }

        return resource is Bundle bundle ? ValidateBundle(bundle) : validator.Validate(resource, profileUrl);
    }

    private OperationOutcome ValidateBundle(Bundle bundle)
    {
        var resolve = Resolver(bundle);
        var outcome = validator.Validate(bundle, profileUrl, resolve);
        var issues = outcome.Issue.Where(IsFinding).ToList();
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            if (bundle.Entry[i].Resource is not { } entry)
            {
                continue;
            }

            var prefix = $"Bundle.entry[{i}].resource";
            issues.AddRange(validator.Validate(entry, null, resolve).Issue.Where(IsFinding).Select(issue => Rebased(issue, entry.TypeName, prefix)));
        }

        // Base R4 rules of the Bundle already walk into its entries: keep one copy of an issue found twice.
        var distinct = issues.DistinctBy(i => (i.Severity, i.Code, string.Join('|', i.Expression), i.Diagnostics)).ToList();
        return distinct.Count > 0 ? new OperationOutcome { Issue = distinct } : outcome;
    }

    // Entries reference each other by fullUrl or as Type/id (https://hl7.org/fhir/R4/bundle.html#references).
    private static Func<string, Resource?> Resolver(Bundle bundle)
    {
        var entries = bundle.Entry.Where(e => e.Resource is not null).ToList();
        return reference => entries.FirstOrDefault(e =>
            e.FullUrl == reference
            || $"{e.Resource!.TypeName}/{e.Resource.Id}" == reference
            || (e.FullUrl?.EndsWith("/" + reference, StringComparison.Ordinal) ?? false))?.Resource;
    }

    private static bool IsFinding(IssueComponent issue) => issue is not { Severity: IssueSeverity.Information, Code: IssueType.Informational };

    private static IssueComponent Rebased(IssueComponent issue, string typeName, string prefix)
    {
        var copy = (IssueComponent)issue.DeepCopy();
        copy.Expression = [.. issue.Expression.OfType<string>().Select(e => Rebase(e, typeName, prefix))];
        return copy;
    }

    private static string Rebase(string expression, string typeName, string prefix) =>
        expression == typeName ? prefix
        : expression.StartsWith(typeName + ".", StringComparison.Ordinal) ? prefix + expression[typeName.Length..]
        : expression;
}
