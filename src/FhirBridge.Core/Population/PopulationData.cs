using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Population;

/// <summary>Reading helpers shared by the population operations: parsed search results, dates, the episode link.</summary>
internal static class PopulationData
{
    /// <summary>Patients per search: a reference search value list stays well below URL and SQL parameter limits.</summary>
    public const int PatientChunk = 100;

    public static async Task<List<(StoredResource Stored, T Resource)>> AllAsync<T>(
        IStoreSession session, SearchQuery query, CancellationToken cancellationToken)
        where T : Resource =>
        (await session.SearchAllAsync(query, cancellationToken)).Select(s => (s, (T)FhirSerializer.ParseJson(s.Json!))).ToList();

    /// <summary>The start instant of a FHIR date/dateTime text, or null.</summary>
    public static DateTimeOffset? Start(string? text) => text is not null && FhirDateRange.TryParse(text, out var start, out _) ? start : null;

    /// <summary>The first instant after a FHIR date/dateTime text (a date covers its whole day), or null.</summary>
    public static DateTimeOffset? End(string? text) => text is not null && FhirDateRange.TryParse(text, out _, out var end) ? end : null;

    public static DateTimeOffset Midnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The joint-client episode a plan, team, task or outcome Observation is linked to, as <c>EpisodeOfCare/id</c>.</summary>
    public static string? EpisodeOf(DomainResource resource) =>
        ReferenceText.Canonical(resource.GetExtensionValue<ResourceReference>(PopulationCodes.EpisodeExtension)?.Reference) is { } episode
        && episode.StartsWith("EpisodeOfCare/", StringComparison.Ordinal)
            ? episode
            : null;

    public static string? PatientOf(ResourceReference? reference) => PatientCompartment.PatientId(reference?.Reference);

    /// <summary>"system|code" of a coding, the key the reports group by.</summary>
    public static string Key(Coding coding) => $"{coding.System}|{coding.Code}";

    public static bool IsVisit(Encounter encounter) =>
        encounter.Status is not (Encounter.EncounterStatus.Cancelled or Encounter.EncounterStatus.EnteredInError or Encounter.EncounterStatus.Planned);
}
