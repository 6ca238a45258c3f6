using System.Globalization;

namespace FhirBridge.Core.Workflow;

/// <summary>Configuration of the joint-client workflow.</summary>
/// <param name="FollowUpAfter">
/// How long after a plan's activation (or a completed follow-up) the next follow-up review is due when the plan states no
/// date: default 10 weeks; the model's follow-up is 2–3 months, so only <see cref="MinFollowUp"/>..<see cref="MaxFollowUp"/> is allowed.
/// </param>
public sealed record WorkflowSettings(TimeSpan FollowUpAfter)
{
    /// <summary>Two months, counted as 60 days.</summary>
    public static readonly TimeSpan MinFollowUp = TimeSpan.FromDays(60);

    /// <summary>Three months, counted as 92 days.</summary>
    public static readonly TimeSpan MaxFollowUp = TimeSpan.FromDays(92);

    public static readonly TimeSpan DefaultFollowUpAfter = TimeSpan.FromDays(70);

    public static WorkflowSettings Default { get; } = new(DefaultFollowUpAfter);

    /// <summary>Whether <paramref name="followUpAfter"/> is whole days within 2–3 months.</summary>
    public static bool IsAllowed(TimeSpan followUpAfter) =>
        followUpAfter >= MinFollowUp && followUpAfter <= MaxFollowUp && followUpAfter.Ticks % TimeSpan.TicksPerDay == 0;

    /// <summary>The default due date of a follow-up scheduled on <paramref name="day"/>.</summary>
    public DateOnly DueAfter(DateOnly day) => day.AddDays(FollowUpAfter.Days);

    /// <summary>The dates a plan may ask for its review when activated on <paramref name="day"/>: 2–3 calendar months later.</summary>
    public static (DateOnly From, DateOnly To) ReviewWindow(DateOnly day) => (day.AddMonths(2), day.AddMonths(3));

    internal static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The calendar day a FHIR date or dateTime starts on (its first ten characters), when it has a full date.</summary>
    internal static DateOnly? DayOf(string? dateTime) => ParseDate(dateTime is { Length: >= 10 } ? dateTime[..10] : null);

    internal static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
