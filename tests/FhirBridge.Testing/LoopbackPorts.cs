using System.Net;
using System.Net.Sockets;

namespace FhirBridge.Testing;

/// <summary>Free TCP ports on the loopback interface, for the throw-away servers tests start.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nothing listens on right now (the operating system's pick).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
