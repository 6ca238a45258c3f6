using System.Text;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Http;

/// <summary>A FHIR response: status, headers and an optional resource written in the negotiated format.</summary>
internal sealed class FhirResult(int status, Resource? body, IReadOnlyDictionary<string, string> headers) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }

        return body is null ? Task.CompletedTask : WriteAsync(httpContext, body);
    }

    /// <summary>Writes <paramref name="resource"/> as the body in the request's negotiated format.</summary>
    public static async Task WriteAsync(HttpContext httpContext, Resource resource)
    {
        var format = httpContext.ResponseFormat();
        var text = FhirSerializer.Serialize(resource, format.Xml, format.Pretty);
        httpContext.Response.ContentType = format.ContentType;
        await httpContext.Response.WriteAsync(text, Encoding.UTF8, httpContext.RequestAborted);
    }
}
