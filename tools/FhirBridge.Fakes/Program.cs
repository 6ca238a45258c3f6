using System.Runtime.InteropServices;
using FhirBridge.Fakes;

// dotnet run --project tools/FhirBridge.Fakes -- --kind ehr|social-welfare [--port 5101] [--org 1.2.246.10.12345678]
var kind = FakeSystemKind.Ehr;
var port = 0;
string? org = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--kind":
            kind = args[i + 1] switch
            {
                "ehr" => FakeSystemKind.Ehr,
                "social-welfare" or "socialwelfare" => FakeSystemKind.SocialWelfare,
                var other => throw new ArgumentException($"--kind must be ehr or social-welfare, not {other}."),
            };
            break;
        case "--port":
            port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--org":
            org = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Usage: --kind ehr|social-welfare [--port N] [--org OID]");
            return 2;
    }
}

await using var fake = await FakeFhirSystem.StartAsync(new FakeFhirSystemOptions { Kind = kind, Port = port, OrganizationOid = org, LogToConsole = true });
Console.WriteLine($"Fake {kind} system at {fake.BaseUrl} (faults: http://127.0.0.1:{fake.Port}/_faults). Ctrl+C stops.");
var stop = new TaskCompletionSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
return 0;
