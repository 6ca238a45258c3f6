using System.Globalization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Operations;
using FhirBridge.Core.Storage;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Workflow;

/// <summary>The episodes-without-a-plan worklist (the joint meeting within 1–2 weeks, DOMAIN.md step 3).</summary>
public sealed partial class JointClientWorkflow
{
    /// <summary>
    /// GET EpisodeOfCare/$without-plan?age=14d: planned or active joint-client episodes that started at least
    /// <c>age</c> days ago (default 14) and have no multidisciplinary plan yet (the model's 1–2 weeks to the joint meeting).
    /// A searchset Bundle of the episodes the caller may see; the access log names only those.
    /// </summary>
    public Task<SearchResult> WithoutPlanAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken cancellationToken)
    {
        var age = Age(parameters);
        var cutoff = Today.AddDays(-age);
        return _store.ReadAsync(
            async (session, token) =>
            {
                // Which episodes qualify is the server's own finding; only the episodes themselves reach the caller, through the guard.
                var lookups = session.ForInternalLookups();
                var episodes = (await _lookups.SearchAsync<EpisodeOfCare>(
                        lookups, token, ("type", $"{JointClient.EpisodeTypeSystem}|{JointClient.EpisodeType}"), ("status", "planned,active")))
                    .Where(e => WorkflowSettings.DayOf(e.Period?.Start) is { } started && started <= cutoff)
                    .ToList();
                var planned = new HashSet<string>(StringComparer.Ordinal);
                foreach (var chunk in episodes.Chunk(50))
                {
                    var plans = await _lookups.SearchAsync<CarePlan>(lookups, token, ("episode", string.Join(',', chunk.Select(e => $"EpisodeOfCare/{e.Id}"))));
                    planned.UnionWith(plans.Where(p => p.Status is not (RequestStatus.EnteredInError or RequestStatus.Revoked)).Select(JointClient.EpisodeOf).OfType<string>());
                }

                var ids = episodes.Select(e => e.Id).Where(i => !planned.Contains($"EpisodeOfCare/{i}")).ToList();
                List<KeyValuePair<string, string>> search =
                [
                    new("_id", ids.Count == 0 ? "-" : string.Join(',', ids)),
                    .. parameters.Where(p => p.Key is "_count" or "_sort" or "_total" or "_elements" or "_summary"),
                ];
                return await _queries.SearchAsync(session, "EpisodeOfCare", search, context, token);
            },
            cancellationToken);
    }

    private static int Age(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var text = parameters.LastOrDefault(p => p.Key == "age").Value;
        if (text is null)
        {
            return 14;
        }

        var digits = text.EndsWith('d') ? text[..^1] : text;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 3650
            ? days
            : throw new BadRequestException($"$without-plan: age must be a number of days such as 14d (got '{text}').", "age");
    }
}
