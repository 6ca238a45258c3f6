using Hl7.Fhir.Model;
using TypeInteraction = Hl7.Fhir.Model.CapabilityStatement.TypeRestfulInteraction;
using SystemInteraction = Hl7.Fhir.Model.CapabilityStatement.SystemRestfulInteraction;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Security;
using FhirBridge.Server.Audit;
using FhirBridge.Server.Conformance;

namespace FhirBridge.Server.Endpoints;

/// <summary>
/// One FHIR route: what the router maps and what the CapabilityStatement declares, from the same row.
/// <see cref="Type"/> null means the route serves every served type; else only that (conformance or log) type.
/// <see cref="Access"/> null means the route touches no client data and is not logged (metadata, conformance resources).
/// <see cref="TextReport"/>: the route also answers in CSV or HTML (see <see cref="Http.ReportFormats"/>).
/// </summary>
internal sealed record FhirRoute(
    string Method,
    string Pattern,
    Delegate Handler,
    string Summary,
    bool TakesResource = false,
    IReadOnlyList<TypeInteraction>? TypeInteractions = null,
    IReadOnlyList<SystemInteraction>? SystemInteractions = null,
    FhirOperation? Operation = null,
    string? Type = null,
    RouteAccess? Access = null,
    bool TextReport = false);

/// <summary>A FHIR operation a route serves on every type, as the CapabilityStatement names it.</summary>
internal sealed record FhirOperation(string Name, string Definition);

/// <summary>The single list of FHIR routes under /fhir (https://hl7.org/fhir/R4/http.html#summary).</summary>
internal static class FhirRoutes
{
    // {type:alpha} keeps "_history" and "_search" from being taken for a type, so a wrong method on them is a 405.
    private const string TypePath = "/{type:alpha}";
    private const string Instance = TypePath + "/{id}";

    private static readonly FhirOperation Validate = new("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate");
    private static readonly FhirOperation Translate = new("translate", "http://hl7.org/fhir/OperationDefinition/ConceptMap-translate");

    public static IReadOnlyList<FhirRoute> All { get; } =
    [
        new("GET", "/metadata", FhirHandlers.Metadata, "CapabilityStatement of this server"),
        new("POST", "/", FhirHandlers.BundleAsync, "Transaction or batch", TakesResource: true,
            SystemInteractions: [SystemInteraction.Transaction, SystemInteraction.Batch], Access: RouteAccess.Bundle),
        new("GET", "/_history", FhirHandlers.SystemHistoryAsync, "History of all resources",
            SystemInteractions: [SystemInteraction.HistorySystem], Access: RouteAccess.SystemHistory),
        new("POST", TypePath, FhirHandlers.CreateAsync, "Create (conditional with If-None-Exist)", TakesResource: true,
            TypeInteractions: [TypeInteraction.Create], Access: RouteAccess.Create),
        new("GET", TypePath, FhirHandlers.SearchAsync, "Search",
            TypeInteractions: [TypeInteraction.SearchType], Access: RouteAccess.Search),
        new("POST", TypePath + "/_search", FhirHandlers.SearchPostAsync, "Search with form-encoded parameters",
            TypeInteractions: [TypeInteraction.SearchType], Access: RouteAccess.Search),
        new("PUT", TypePath, FhirHandlers.ConditionalUpdateAsync, "Conditional update (search criteria in the query)", TakesResource: true,
            TypeInteractions: [TypeInteraction.Update], Access: RouteAccess.Update),
        new("GET", TypePath + "/_history", FhirHandlers.TypeHistoryAsync, "History of a type",
            TypeInteractions: [TypeInteraction.HistoryType], Access: RouteAccess.TypeHistory),
        new("GET", Instance, FhirHandlers.ReadAsync, "Read",
            TypeInteractions: [TypeInteraction.Read], Access: RouteAccess.Read),
        new("PUT", Instance, FhirHandlers.UpdateAsync, "Update (If-Match for version-aware updates)", TakesResource: true,
            TypeInteractions: [TypeInteraction.Update], Access: RouteAccess.Update),
        new("DELETE", Instance, FhirHandlers.DeleteAsync, "Delete",
            TypeInteractions: [TypeInteraction.Delete], Access: RouteAccess.Delete),
        new("GET", Instance + "/_history", FhirHandlers.InstanceHistoryAsync, "History of a resource",
            TypeInteractions: [TypeInteraction.HistoryInstance], Access: RouteAccess.InstanceHistory),
        new("GET", Instance + "/_history/{vid}", FhirHandlers.VersionReadAsync, "Read a version",
            TypeInteractions: [TypeInteraction.Vread], Access: RouteAccess.Vread),
        new("POST", TypePath + "/$validate", FhirHandlers.ValidateTypeAsync, "Validate a resource (body: the resource or a Parameters)",
            TakesResource: true, Operation: Validate, Access: RouteAccess.Operation),
        new("GET", Instance + "/$validate", FhirHandlers.ValidateInstanceAsync, "Validate a stored resource", Operation: Validate, Access: RouteAccess.Operation),
        .. ConformanceCatalog.Types.SelectMany(ConformanceRoutes),
        .. AuditRoutes(),
        .. WorkflowRoutes(),
        .. OutboxRoutes(),
        .. PopulationRoutes.All,
        new("GET", "/ValueSet/$expand", ConformanceHandlers.Expand, "Expand a loaded ValueSet (?url=)",
            Operation: new("expand", "http://hl7.org/fhir/OperationDefinition/ValueSet-expand"), Type: "ValueSet"),
        new("GET", "/ValueSet/$validate-code", ConformanceHandlers.ValidateCode, "Whether a code is in a loaded ValueSet (?url=&system=&code=)",
            Operation: new("validate-code", "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code"), Type: "ValueSet"),
        new("GET", "/CodeSystem/$lookup", ConformanceHandlers.Lookup, "Look up a code of a loaded CodeSystem (?system=&code=)",
            Operation: new("lookup", "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup"), Type: "CodeSystem"),
        new("POST", "/CarePlan/{id}/$sync-statutory-plans", StatutoryPlanHandlers.SyncStatutoryPlansAsync,
            "Fetch the client's statutory plans from the connected systems, store them as StatutoryPlanReferences and link them in supportingInfo",
            Operation: new("sync-statutory-plans", "https://fhirbridge.fi/fhir/OperationDefinition/CarePlan-sync-statutory-plans"), Type: "CarePlan",
            Access: RouteAccess.Operation with { Scope = ScopeAction.Update }),
        new("GET", "/ConceptMap/$translate", ConformanceHandlers.Translate,
            "Translate a code with the loaded ConceptMaps (?url=&system=&code= or coding=system|code; source=, target=, targetsystem=)",
            Operation: Translate, Type: "ConceptMap"),
        new("POST", "/ConceptMap/$translate", ConformanceHandlers.TranslatePostAsync,
            "Translate a code, coding or codeableConcept with the loaded ConceptMaps (body: Parameters)", TakesResource: true, Operation: Translate, Type: "ConceptMap"),
        new("GET", "/ConceptMap/{id}/$translate", ConformanceHandlers.TranslateInstance,
            "Translate a code with one loaded ConceptMap", Operation: Translate, Type: "ConceptMap"),
        new("POST", "/ConceptMap/{id}/$translate", ConformanceHandlers.TranslateInstancePostAsync,
            "Translate with one loaded ConceptMap (body: Parameters)", TakesResource: true, Operation: Translate, Type: "ConceptMap"),
    ];

    /// <summary>The interactions on every served type.</summary>
    public static IEnumerable<TypeInteraction> TypeInteractions => InteractionsOf(null);

    /// <summary>The operations on one conformance type (null: on every served type).</summary>
    public static IEnumerable<FhirOperation> OperationsOf(string? type) =>
        All.Where(r => r.Type == type).Select(r => r.Operation).OfType<FhirOperation>().Distinct();

    /// <summary>The interactions on one conformance type (null: on every served type).</summary>
    public static IEnumerable<TypeInteraction> InteractionsOf(string? type) =>
        All.Where(r => r.Type == type).SelectMany(r => r.TypeInteractions ?? []).Distinct();

    public static IEnumerable<SystemInteraction> SystemInteractions => All.SelectMany(r => r.SystemInteractions ?? []).Distinct();

    // The logs are served from the audit log, not the resource store: literal /AuditEvent segments win over {type:alpha}.
    private static IEnumerable<FhirRoute> AuditRoutes()
    {
        const string path = "/" + ServedTypes.AuditLog;
        // A log id never starts with '_' or '$', so /AuditEvent/_history and /AuditEvent/$validate reach the store routes (405).
        const string entry = path + "/{id:regex(^[A-Za-z0-9][A-Za-z0-9\\-\\.]{{0,63}}$)}";
        const string type = ServedTypes.AuditLog;
        var logWrite = new RouteAccess("update", AuditEvent.AuditEventAction.U, ScopeAction.None);
        var readOnly = AuditHandlers.ReadOnly;
        return
        [
            new("GET", path, AuditHandlers.SearchAsync, "Search the access and disclosure logs (compliance officers)",
                TypeInteractions: [TypeInteraction.SearchType], Type: type, Access: RouteAccess.Search),
            new("GET", entry, AuditHandlers.ReadAsync, "Read a log entry (compliance officers)",
                TypeInteractions: [TypeInteraction.Read], Type: type, Access: RouteAccess.Read),
            new("GET", path + "/$review", AuditHandlers.ReviewAsync, "Entries to review: reason=break-glass or reason=no-care-relationship",
                Operation: new("review", "https://fhirbridge.fi/fhir/OperationDefinition/AuditEvent-review"), Type: type,
                Access: RouteAccess.Operation with { Scope = ScopeAction.Search }),
            new("GET", path + "/$verify-chain", AuditHandlers.VerifyChainAsync, "Check the log's hash chain; reports the first broken link",
                Operation: new("verify-chain", "https://fhirbridge.fi/fhir/OperationDefinition/AuditEvent-verify-chain"), Type: type,
                Access: RouteAccess.Operation with { Scope = ScopeAction.None }),
            new("POST", path + "/$purge", AuditHandlers.PurgeAsync, "Remove entries older than the retention period (administrators)",
                Operation: new("purge", "https://fhirbridge.fi/fhir/OperationDefinition/AuditEvent-purge"), Type: type,
                Access: RouteAccess.Operation with { Action = AuditEvent.AuditEventAction.D, Scope = ScopeAction.None }),
            new("POST", path, readOnly, "The logs are append-only (405)", Type: type, Access: logWrite),
            new("PUT", path, readOnly, "The logs are append-only (405)", Type: type, Access: logWrite),
            new("PUT", entry, readOnly, "The logs are append-only (405)", Type: type, Access: logWrite),
            new("DELETE", entry, readOnly, "The logs are append-only (405)", Type: type, Access: logWrite),
            new("GET", "/Patient/{id}/$access-report", AuditHandlers.AccessReportAsync,
                "A client's access and disclosure report (703/2023 §11): Bundle, or _format=text/csv or text/html",
                Operation: new("access-report", "https://fhirbridge.fi/fhir/OperationDefinition/Patient-access-report"), Type: "Patient",
                Access: RouteAccess.Operation with { Scope = ScopeAction.None }, TextReport: true),
        ];
    }

    // The joint-client lifecycle (issue #6, docs/workflow.md): literal segments win over {type:alpha}/{id}.
    private static IEnumerable<FhirRoute> WorkflowRoutes()
    {
        const string type = "EpisodeOfCare";
        const string path = "/" + type;
        const string definitions = "https://fhirbridge.fi/fhir/OperationDefinition/EpisodeOfCare-";
        var change = RouteAccess.Operation with { Action = AuditEvent.AuditEventAction.U, Scope = ScopeAction.Update };
        return
        [
            new("POST", path + "/$start-joint-client", WorkflowHandlers.StartAsync,
                "Start a joint clientship: the JointClientEpisode and its JointCareTeam in one unit of work (body: Parameters)", TakesResource: true,
                Operation: new("start-joint-client", definitions + "start-joint-client"), Type: type,
                Access: RouteAccess.Operation with { Action = AuditEvent.AuditEventAction.C, Scope = ScopeAction.Create }),
            new("POST", path + "/{id}/$end", WorkflowHandlers.EndAsync,
                "End a joint clientship: episode finished, plans completed or revoked, follow-ups cancelled, team inactive (body: Parameters)",
                TakesResource: true, Operation: new("end", definitions + "end"), Type: type, Access: change),
            new("POST", path + "/{id}/$change-responsible-worker", WorkflowHandlers.ChangeResponsibleWorkerAsync,
                "Hand the responsibility to another PractitionerRole: exactly one responsible worker in every version (body: Parameters)",
                TakesResource: true, Operation: new("change-responsible-worker", definitions + "change-responsible-worker"), Type: type, Access: change),
            new("GET", path + "/$without-plan", WorkflowHandlers.WithoutPlanAsync,
                "Worklist: planned or active joint clientships older than ?age= (default 14d) without a multidisciplinary plan",
                Operation: new("without-plan", definitions + "without-plan"), Type: type,
                Access: RouteAccess.Operation with { Scope = ScopeAction.Search }),
        ];
    }

    // The outbox admin operations on Endpoint (connected systems); literal segments win over the instance routes.
    private static IEnumerable<FhirRoute> OutboxRoutes()
    {
        var deliveries = new FhirOperation("deliveries", "https://fhirbridge.fi/fhir/OperationDefinition/Endpoint-deliveries");
        var retry = new FhirOperation("retry", "https://fhirbridge.fi/fhir/OperationDefinition/Endpoint-retry");
        var list = RouteAccess.Operation with { Action = AuditEvent.AuditEventAction.R, Scope = ScopeAction.Read };
        var requeue = RouteAccess.Operation with { Action = AuditEvent.AuditEventAction.U, Scope = ScopeAction.Update };
        const string summary = "(administrators; status=pending|done|withheld|superseded|dead-letter, _count)";
        return
        [
            new("GET", "/Endpoint/$deliveries", BridgeHandlers.DeliveriesAsync, $"Outbox deliveries to every connected system with their reasons {summary}",
                Operation: deliveries, Type: "Endpoint", Access: list),
            new("GET", "/Endpoint/{id}/$deliveries", BridgeHandlers.DeliveriesAsync, $"Outbox deliveries to one connected system with their reasons {summary}",
                Operation: deliveries, Type: "Endpoint", Access: list),
            new("POST", "/Endpoint/$retry", BridgeHandlers.RetryAsync, "Retry every dead-lettered delivery, or one (?delivery=id) (administrators)",
                Operation: retry, Type: "Endpoint", Access: requeue),
            new("POST", "/Endpoint/{id}/$retry", BridgeHandlers.RetryAsync, "Retry the dead-lettered deliveries to one connected system, or one (?delivery=id) (administrators)",
                Operation: retry, Type: "Endpoint", Access: requeue),
        ];
    }

    // Literal type segments take precedence over {type:alpha}; writes get their own 405 rows for the same reason.
    private static IEnumerable<FhirRoute> ConformanceRoutes(string type)
    {
        var path = "/" + type;
        var readOnly = () => ConformanceHandlers.ReadOnly(type);
        return
        [
            new("GET", path, (HttpContext http, ConformanceCatalog catalog) => ConformanceHandlers.Search(type, http, catalog),
                $"Search the loaded {type}s by _id, url, name or version", TypeInteractions: [TypeInteraction.SearchType], Type: type),
            new("GET", path + "/{id}", (string id, ConformanceCatalog catalog) => ConformanceHandlers.Read(type, id, catalog),
                $"Read a loaded {type}", TypeInteractions: [TypeInteraction.Read], Type: type),
            new("POST", path, readOnly, $"{type}s are read-only (405)", Type: type),
            new("PUT", path, readOnly, $"{type}s are read-only (405)", Type: type),
            new("PUT", path + "/{id}", readOnly, $"{type}s are read-only (405)", Type: type),
            new("DELETE", path + "/{id}", readOnly, $"{type}s are read-only (405)", Type: type),
        ];
    }
}
