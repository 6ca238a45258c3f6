using FhirBridge.Core.Operations;

namespace FhirBridge.Server.Http;

/// <summary>What the client asked for with Prefer (https://hl7.org/fhir/R4/http.html#return, search.html#errors).</summary>
internal sealed record PreferHeader(ReturnPreference Return, bool StrictHandling)
{
    public static PreferHeader Of(HttpRequest request)
    {
        var preference = ReturnPreference.Representation;
        var strict = false;
        foreach (var token in request.Headers["Prefer"].SelectMany(v => (v ?? string.Empty).Split([',', ';'], StringSplitOptions.TrimEntries)))
        {
            var separator = token.IndexOf('=', StringComparison.Ordinal);
            if (separator < 0)
            {
                continue;
            }

            var name = token[..separator].Trim();
            var value = token[(separator + 1)..].Trim().Trim('"');
            if (name.Equals("return", StringComparison.OrdinalIgnoreCase))
            {
                preference = value.ToLowerInvariant() switch
                {
                    "minimal" => ReturnPreference.Minimal,
                    "operationoutcome" => ReturnPreference.OperationOutcome,
                    _ => ReturnPreference.Representation,
                };
            }
            else if (name.Equals("handling", StringComparison.OrdinalIgnoreCase))
            {
                strict = value.Equals("strict", StringComparison.OrdinalIgnoreCase);
            }
        }

        return new PreferHeader(preference, strict);
    }
}
