namespace FhirBridge.Bridge.ConnectedSystems;

/// <summary>
/// The bearer tokens FhirBridge presents to connected systems, by credential name (configuration
/// <c>Bridge:Credentials:{name}</c>). Endpoints name a credential; the secret never lives in a FHIR resource.
/// </summary>
public sealed class BridgeCredentials(IReadOnlyDictionary<string, string> tokens)
{
    /// <summary>The token for <paramref name="system"/>; null when it uses none.</summary>
    /// <exception cref="ConnectedSystemException">The Endpoint names a credential that is not configured.</exception>
    public string? TokenFor(ConnectedSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (system.CredentialName is not { } name)
        {
            return null;
        }

        return tokens.TryGetValue(name, out var token) && !string.IsNullOrWhiteSpace(token)
            ? token
            : throw new ConnectedSystemException($"Endpoint/{system.EndpointId} names the credential '{name}', but Bridge:Credentials:{name} is not configured.");
    }
}

/// <summary>A connected system cannot be used as registered (configuration, not a passing network fault): retrying does not help.</summary>
public sealed class ConnectedSystemException(string message) : Exception(message);
