using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>A search parameter the parser cannot use: why, and the issue type to report it with.</summary>
internal sealed class SearchParameterException(OperationOutcome.IssueType code, string message) : Exception(message)
{
    public OperationOutcome.IssueType Code { get; } = code;

    public static SearchParameterException NotSupported(string message) => new(OperationOutcome.IssueType.NotSupported, message);

    public static SearchParameterException Invalid(string message) => new(OperationOutcome.IssueType.Invalid, message);
}

/// <summary>Collects the problems of one parse: errors for a strict search, warnings for a lenient one.</summary>
internal sealed class SearchProblems(bool strict)
{
    private readonly List<OperationOutcome.IssueComponent> _issues = [];

    public IReadOnlyList<OperationOutcome.IssueComponent> Warnings => strict ? [] : _issues;

    public void Add(SearchParameterException problem, string parameter)
    {
        var message = strict ? problem.Message : $"{problem.Message} The parameter was ignored.";
        var severity = strict ? OperationOutcome.IssueSeverity.Error : OperationOutcome.IssueSeverity.Warning;
        _issues.Add(FhirException.Issue(severity, problem.Code, message, parameter));
    }

    /// <summary>In strict mode, reports every collected problem at once as a 400.</summary>
    public void ThrowIfStrict()
    {
        if (strict && _issues.Count > 0)
        {
            throw new BadRequestException(_issues);
        }
    }
}
