using FhirBridge.Core.Errors;
using FhirBridge.Core.Workflow;
using FhirBridge.Server.Http;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Endpoints;

/// <summary>The joint-client lifecycle routes (issue #6): HTTP in, <see cref="JointClientWorkflow"/> calls, FHIR out.</summary>
internal static class WorkflowHandlers
{
    public static async Task<IResult> StartAsync(HttpContext http, JointClientWorkflow workflow, FhirRequestReader reader, CancellationToken ct) =>
        FhirResults.Ok(await workflow.StartAsync(await ParametersAsync(http, reader, "$start-joint-client", ct), http.FhirBase(), ct));

    public static async Task<IResult> EndAsync(string id, HttpContext http, JointClientWorkflow workflow, FhirRequestReader reader, CancellationToken ct) =>
        FhirResults.Ok(await workflow.EndAsync(id, await ParametersAsync(http, reader, "$end", ct), http.FhirBase(), ct));

    public static async Task<IResult> ChangeResponsibleWorkerAsync(string id, HttpContext http, JointClientWorkflow workflow, FhirRequestReader reader, CancellationToken ct) =>
        FhirResults.Ok(await workflow.ChangeResponsibleWorkerAsync(id, await ParametersAsync(http, reader, "$change-responsible-worker", ct), http.FhirBase(), ct));

    public static async Task<IResult> WithoutPlanAsync(HttpContext http, JointClientWorkflow workflow, CancellationToken ct) =>
        FhirResults.Ok((await workflow.WithoutPlanAsync(QueryParameters.Of(http.Request), http.ToRequestContext(), ct)).Bundle);

    private static async Task<Parameters> ParametersAsync(HttpContext http, FhirRequestReader reader, string operation, CancellationToken ct) =>
        await reader.ReadResourceAsync(http.Request, ct) as Parameters
        ?? throw new BadRequestException($"{operation} takes a Parameters resource.", "resourceType");
}
