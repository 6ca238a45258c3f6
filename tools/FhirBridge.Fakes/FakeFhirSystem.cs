using System.Net;
using System.Text.Json.Serialization;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FhirBridge.Fakes;

/// <summary>Settings of one fake connected system.</summary>
public sealed record FakeFhirSystemOptions
{
    public FakeSystemKind Kind { get; init; } = FakeSystemKind.Ehr;

    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The organisation holding the statutory plans (their custodian), a bare OID; by default one per kind.</summary>
    public string? OrganizationOid { get; init; }

    /// <summary>Log requests to the console (the command line does; tests stay quiet).</summary>
    public bool LogToConsole { get; init; }
}

/// <summary>A fake connected system (EHR or social-welfare) as a real HTTP FHIR server on a loopback port, with fault switches.</summary>
/// <remarks>FHIR API at <see cref="BaseUrl"/>; fault admin at <c>/_faults</c> and the received writes at <c>/_received</c>
/// (outside /fhir, never affected by faults). See <see cref="FakeStore"/> for the versioning rule.</remarks>
public sealed class FakeFhirSystem : IAsyncDisposable
{
    private readonly FakeFhirSystemOptions _options;
    private readonly SemaphoreSlim _hostLock = new(1, 1);
    private WebApplication? _app;
    private bool _disposed;

    private FakeFhirSystem(FakeFhirSystemOptions options)
    {
        _options = options;
        OrganizationOid = options.OrganizationOid ?? (options.Kind == FakeSystemKind.Ehr ? "1.2.246.10.23456789" : "1.2.246.10.34567890");
    }

    public FakeSystemKind Kind => _options.Kind;

    /// <summary>The organisation OID of this system (bare), the custodian of its plans.</summary>
    public string OrganizationOid { get; }

    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:{port}/fhir</c>, no trailing slash.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/fhir");

    public FakeStore Store { get; } = new();

    public FaultSwitches Faults { get; } = new();

    /// <summary>Every write received, in arrival order (see <see cref="FakeStore.Received"/>).</summary>
    public IReadOnlyList<ReceivedVersion> Received => Store.Received;

    /// <summary>False while connections are refused.</summary>
    public bool IsListening => _app is not null;

    /// <summary>Starts a fake and waits until it listens.</summary>
    public static async Task<FakeFhirSystem> StartAsync(FakeFhirSystemOptions options, CancellationToken cancellationToken = default)
    {
        var fake = new FakeFhirSystem(options);
        fake.Port = options.Port;
        await fake.ListenAsync(cancellationToken);
        return fake;
    }

    public static Task<FakeFhirSystem> StartAsync(FakeSystemKind kind, int port = 0, CancellationToken cancellationToken = default) =>
        StartAsync(new FakeFhirSystemOptions { Kind = kind, Port = port }, cancellationToken);

    /// <summary>The writes received for one resource, in arrival order.</summary>
    public IReadOnlyList<ReceivedVersion> ReceivedFor(string resourceType, string id) => Store.ReceivedFor(resourceType, id);

    /// <summary>Waits until at least <paramref name="count"/> writes that took effect (created or updated) have arrived.</summary>
    public Task<IReadOnlyList<ReceivedVersion>> WaitForDeliveriesAsync(int count, TimeSpan timeout) =>
        Store.WaitForAsync(r => r.Count(v => v.InEffect) >= count, timeout);

    /// <summary>
    /// Seeds a plan document of the client <paramref name="hetu"/> typed with the system's local code: by default the EHR's
    /// health-care plan (HOISUU), the social-welfare system's client plan (ASSUUNN); <paramref name="typeCode"/> another one.
    /// </summary>
    public DocumentReference AddStatutoryPlan(string hetu, string documentOid, string title, DateTimeOffset? date = null, string? typeCode = null)
    {
        var plan = StatutoryPlans.Create(Kind, BaseUrl, OrganizationOid, hetu, documentOid, title, date ?? DateTimeOffset.UtcNow, typeCode);
        Store.Seed(plan);
        return plan;
    }

    /// <summary>Changes a seeded plan as the system's own users would (a new version, not a received write).</summary>
    public DocumentReference ChangeStatutoryPlan(string id, Action<DocumentReference> change)
    {
        var plan = (DocumentReference?)Store.Get("DocumentReference", id) ?? throw new ArgumentException($"DocumentReference/{id} is not known.", nameof(id));
        change(plan);
        plan.Meta = new Meta { VersionId = (long.Parse(plan.Meta?.VersionId ?? "1", System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        Store.Seed(plan);
        return plan;
    }

    /// <summary>Stops listening: connections are refused until <see cref="RestoreConnectionsAsync"/> or <see cref="ResetAsync"/>.</summary>
    public async Task RefuseConnectionsAsync()
    {
        await _hostLock.WaitAsync();
        try
        {
            // Not listening only once the listener is closed.
            if (_app is { } app)
            {
                await app.StopAsync();
                await app.DisposeAsync();
                _app = null;
            }
        }
        finally
        {
            _hostLock.Release();
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public Task RestoreConnectionsAsync() => ListenAsync(CancellationToken.None);

    /// <summary>Turns every fault off, releases hanging requests and listens again. Stored data stays.</summary>
    public async Task ResetAsync()
    {
        Faults.Reset();
        await RestoreConnectionsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        Faults.Reset();
        await RefuseConnectionsAsync();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        await _hostLock.WaitAsync(cancellationToken);
        try
        {
            // Disposed: a timed refusal from the admin endpoint may still try to listen again.
            if (_app is not null || _disposed)
            {
                return;
            }

            var app = Build();
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Port = new Uri(address).Port;
            _app = app;
        }
        finally
        {
            _hostLock.Release();
        }
    }

    private WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Logging.ClearProviders();
        if (_options.LogToConsole)
        {
            // One line per request; the rest of ASP.NET Core's information messages are noise here.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
                .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information);
        }

        var app = builder.Build();
        app.Use(new FaultMiddleware(Faults, app.Lifetime).InvokeAsync);
        FhirRoutes.Map(app, this);
        AdminRoutes.Map(app, this);
        return app;
    }
}
