using FhirBridge.Core.Errors;
using FhirBridge.Core.Population;
using FhirBridge.Server.Audit;
using FhirBridge.Server.Http;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Endpoints;

/// <summary>
/// The population operations (issue #6): Patient/$joint-client-candidates and EpisodeOfCare/$outcomes. Who may call them
/// is decided in Core (system integrations; professionals for their own organisation); the access-log filter logs each call
/// with one entry per client whose data was used.
/// </summary>
internal static class PopulationRoutes
{
    private static readonly FhirOperation Candidates = new(
        "joint-client-candidates", "https://fhirbridge.fi/fhir/OperationDefinition/Patient-joint-client-candidates");

    private static readonly FhirOperation Outcomes = new("outcomes", "https://fhirbridge.fi/fhir/OperationDefinition/EpisodeOfCare-outcomes");

    private const string CandidatesPath = "/Patient/" + JointClientCandidates.Name;

    public static IEnumerable<FhirRoute> All =>
    [
        new("GET", CandidatesPath, CandidatesAsync,
            "Joint-client candidates: frequent emergency users (?threshold=8&window=6mo&as-of=&organization=); the run is kept for the 3-monthly review",
            Operation: Candidates, Type: "Patient", Access: RouteAccess.Operation),
        new("POST", CandidatesPath, CandidatesPostAsync, "Joint-client candidates (body: Parameters)",
            TakesResource: true, Operation: Candidates, Type: "Patient", Access: RouteAccess.Operation),
        new("GET", "/EpisodeOfCare/" + EpisodeOutcomes.Name, OutcomesAsync,
            "Outcomes of finished joint-client episodes (?period=2026&organization=): WHOQOL-BREF changes, visits before vs after the plan",
            Operation: Outcomes, Type: "EpisodeOfCare", Access: RouteAccess.Operation),
    ];

    private static async Task<IResult> CandidatesAsync(HttpContext http, JointClientCandidates candidates, CancellationToken ct) =>
        FhirResults.Ok(await candidates.FindAsync(Input(JointClientCandidates.Name, JointClientCandidates.Parameters, http, null), ct));

    private static async Task<IResult> CandidatesPostAsync(HttpContext http, JointClientCandidates candidates, FhirRequestReader reader, CancellationToken ct)
    {
        var body = await reader.ReadResourceAsync(http.Request, ct) as Parameters
            ?? throw new BadRequestException($"POST {JointClientCandidates.Name} takes a Parameters body.", "Parameters");
        return FhirResults.Ok(await candidates.FindAsync(Input(JointClientCandidates.Name, JointClientCandidates.Parameters, http, body), ct));
    }

    private static async Task<IResult> OutcomesAsync(HttpContext http, EpisodeOutcomes outcomes, CancellationToken ct) =>
        FhirResults.Ok(await outcomes.ReportAsync(Input(EpisodeOutcomes.Name, EpisodeOutcomes.Parameters, http, null), ct));

    private static OperationInput Input(string operation, IReadOnlyList<string> names, HttpContext http, Parameters? body) =>
        OperationInput.Of(operation, [.. names], QueryParameters.Of(http.Request), body);
}
