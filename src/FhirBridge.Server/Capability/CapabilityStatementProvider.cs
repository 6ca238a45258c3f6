using System.Reflection;
using FhirBridge.Core.Audit;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Search;
using FhirBridge.Server.Conformance;
using FhirBridge.Server.Endpoints;
using FhirBridge.Server.Http;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Capability;

/// <summary>
/// The CapabilityStatement (https://hl7.org/fhir/R4/capabilitystatement.html), generated once from what is really
/// served: <see cref="ServedTypes"/>, the registry's search parameters and the interactions of <see cref="FhirRoutes"/>.
/// </summary>
internal sealed class CapabilityStatementProvider(ISearchParameterRegistry registry, TimeProvider time)
{
    private const string Name = "FhirBridge";

    private readonly Lazy<CapabilityStatement> _template = new(() => Build(registry, time.GetUtcNow()));

    /// <summary>The statement with implementation.url set to the base the client used.</summary>
    public CapabilityStatement For(Uri baseUrl)
    {
        var statement = (CapabilityStatement)_template.Value.DeepCopy();
        statement.Implementation = new CapabilityStatement.ImplementationComponent { Description = Name, Url = baseUrl.AbsoluteUri };
        return statement;
    }

    private static CapabilityStatement Build(ISearchParameterRegistry registry, DateTimeOffset started)
    {
        var typeInteractions = FhirRoutes.TypeInteractions.ToList();
        var references = ServedTypes.All
            .SelectMany(registry.For)
            .Where(p => p.Type == SearchParamType.Reference)
            .ToList();
        return new CapabilityStatement
        {
            Name = Name,
            Title = "FhirBridge FHIR R4 server",
            Status = PublicationStatus.Active,
            Date = new FhirDateTime(started).Value,
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = Name, Version = SoftwareVersion() },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json", "xml", FhirMediaTypes.Json, FhirMediaTypes.Xml],
            Rest =
            [
                new CapabilityStatement.RestComponent
                {
                    Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                    Resource =
                    [
                        .. ServedTypes.All.Where(t => t != ServedTypes.AuditLog).Select(type => Resource(type, registry.For(type), references, typeInteractions)),
                        AuditLogResource(),
                        .. ConformanceCatalog.Types.Select(ConformanceResource),
                    ],
                    Interaction = FhirRoutes.SystemInteractions
                        .Select(code => new CapabilityStatement.SystemInteractionComponent { Code = code })
                        .ToList(),
                },
            ],
        };
    }

    private static CapabilityStatement.ResourceComponent Resource(
        string type,
        IReadOnlyList<SearchParameterInfo> parameters,
        IReadOnlyList<SearchParameterInfo> allReferences,
        IReadOnlyList<CapabilityStatement.TypeRestfulInteraction> interactions) => new()
        {
            Type = type,
            Interaction = interactions.Select(code => new CapabilityStatement.ResourceInteractionComponent { Code = code }).ToList(),
            Versioning = CapabilityStatement.ResourceVersionPolicy.VersionedUpdate,
            ReadHistory = true,
            UpdateCreate = true,
            ConditionalCreate = true,
            ConditionalUpdate = true,
            ConditionalRead = CapabilityStatement.ConditionalReadStatus.NotSupported,
            ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.NotSupported,
            SearchInclude = parameters
                .Where(p => p.Type == SearchParamType.Reference)
                .Select(p => $"{type}:{p.Name}")
                .ToList(),
            SearchRevInclude = allReferences
                .Where(p => p.Targets.Contains(type))
                .Select(p => $"{p.ResourceType}:{p.Name}")
                .Distinct()
                .ToList(),
            SearchParam = parameters
                .Select(p => new CapabilityStatement.SearchParamComponent { Name = p.Name, Definition = p.Url, Type = p.Type })
                .ToList(),
            Operation = [.. Operations(null), .. Operations(type)],
        };

    // The logs: read and search with the compliance parameters only (https://fhirbridge.fi/fhir: issue #4).
    private static CapabilityStatement.ResourceComponent AuditLogResource() => new()
    {
        Type = ServedTypes.AuditLog,
        Interaction = FhirRoutes.InteractionsOf(ServedTypes.AuditLog).Select(code => new CapabilityStatement.ResourceInteractionComponent { Code = code }).ToList(),
        Versioning = CapabilityStatement.ResourceVersionPolicy.NoVersion,
        Operation = Operations(ServedTypes.AuditLog),
        SearchParam = AuditSearch.Parameters
            .Where(name => !name.StartsWith('_'))
            .Select(name => new CapabilityStatement.SearchParamComponent
            {
                Name = name,
                Type = name switch
                {
                    "patient" => SearchParamType.Reference,
                    "date" => SearchParamType.Date,
                    _ => SearchParamType.Token,
                },
            })
            .ToList(),
    };

    private static CapabilityStatement.ResourceComponent ConformanceResource(string type) => new()
    {
        Type = type,
        Interaction = FhirRoutes.InteractionsOf(type).Select(code => new CapabilityStatement.ResourceInteractionComponent { Code = code }).ToList(),
        Versioning = CapabilityStatement.ResourceVersionPolicy.NoVersion,
        Operation = Operations(type),
        SearchParam = ConformanceCatalog.SearchParameters
            .Select(name => new CapabilityStatement.SearchParamComponent
            {
                Name = name,
                Type = name == "name" ? SearchParamType.String : name == "url" ? SearchParamType.Uri : SearchParamType.Token,
            })
            .ToList(),
    };

    private static List<CapabilityStatement.OperationComponent> Operations(string? type) =>
        FhirRoutes.OperationsOf(type).Select(o => new CapabilityStatement.OperationComponent { Name = o.Name, Definition = o.Definition }).ToList();

    private static string SoftwareVersion() =>
        typeof(CapabilityStatementProvider).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CapabilityStatementProvider).Assembly.GetName().Version?.ToString()
        ?? "0";
}
