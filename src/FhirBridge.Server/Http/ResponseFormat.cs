using System.Net;
using FhirBridge.Core.Errors;
using Hl7.Fhir.Model;
using Microsoft.Net.Http.Headers;

namespace FhirBridge.Server.Http;

/// <summary>How a response body is written: negotiated from _format, then Accept, default FHIR JSON.</summary>
internal sealed record ResponseFormat(bool Xml, bool Pretty)
{
    public string ContentType => (Xml ? FhirMediaTypes.Xml : FhirMediaTypes.Json) + "; charset=utf-8";

    /// <summary>The format the request asks for; an explicit _format the server cannot write is a 406.</summary>
    public static ResponseFormat Negotiate(HttpRequest request)
    {
        var pretty = string.Equals(request.Query["_pretty"], "true", StringComparison.OrdinalIgnoreCase);
        var format = request.Query["_format"].ToString();
        if (format.Length > 0)
        {
            return new ResponseFormat(
                FhirMediaTypes.IsXml(format) ?? throw new FhirException(
                    HttpStatusCode.NotAcceptable, OperationOutcome.IssueType.NotSupported, $"_format '{format}' is not supported: use json or xml.", "_format"),
                pretty);
        }

        return new ResponseFormat(FromAccept(request.Headers.Accept.ToString()), pretty);
    }

    /// <summary>Like <see cref="Negotiate"/> but never fails: used to report errors, including a failed negotiation.</summary>
    public static ResponseFormat NegotiateOrJson(HttpRequest request)
    {
        try
        {
            return Negotiate(request);
        }
        catch (FhirException)
        {
            return new ResponseFormat(false, false);
        }
    }

    // Accept the server can't produce falls back to JSON rather than 406 (allowed by https://hl7.org/fhir/R4/http.html#mime-type).
    private static bool FromAccept(string accept)
    {
        if (accept.Length == 0 || !MediaTypeHeaderValue.TryParseList([accept], out var types))
        {
            return false;
        }

        return types
            .OrderByDescending(t => t.Quality ?? 1)
            .Select(t => FhirMediaTypes.IsXml(t.MediaType.ToString()))
            .FirstOrDefault(x => x.HasValue) ?? false;
    }
}
