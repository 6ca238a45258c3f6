using System.Buffers;
using System.Text;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using FhirBridge.Core.Operations;
using FhirBridge.Server.Configuration;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FhirBridge.Server.Http;

/// <summary>Reads request bodies: media type check (415), size limit (413, also chunked), strict FHIR parsing (400).</summary>
internal sealed class FhirRequestReader(IOptions<FhirServerOptions> options)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private long MaxBytes => options.Value.MaxBodyBytes;

    /// <summary>The body as a FHIR resource.</summary>
    public async Task<Resource> ReadResourceAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var xml = BodyIsXml(request.ContentType);
        var text = await ReadTextAsync(request, cancellationToken);
        if (xml is null)
        {
            throw text.Length == 0
                ? new BadRequestException("The request needs a FHIR resource body.")
                : new UnsupportedMediaTypeException("The request body has no Content-Type: use application/fhir+json or application/fhir+xml.");
        }

        if (text.Length == 0)
        {
            throw new BadRequestException("The request needs a FHIR resource body.");
        }

        return FhirSerializer.Parse(text, xml.Value);
    }

    /// <summary>The parameters of a form-encoded body (POST [type]/_search); an empty body without Content-Type has none.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            if (request.ContentType is not null || (await ReadTextAsync(request, cancellationToken)).Length > 0)
            {
                throw new UnsupportedMediaTypeException($"_search takes its parameters as {FhirMediaTypes.FormUrlEncoded}.");
            }

            return [];
        }

        var text = await ReadTextAsync(request, cancellationToken);
        return UrlQuery.Parse(text);
    }

    // null = no Content-Type; a type that is neither FHIR JSON nor XML, or a charset other than UTF-8, is a 415.
    private static bool? BodyIsXml(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            throw new UnsupportedMediaTypeException($"Content-Type '{contentType}' is not a valid media type.");
        }

        var charset = parsed.Charset.ToString();
        if (charset.Length > 0 && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedMediaTypeException($"Charset '{charset}' is not supported: FHIR bodies are UTF-8.");
        }

        return FhirMediaTypes.IsXml(parsed.MediaType.ToString())
            ?? throw new UnsupportedMediaTypeException(
                $"Content-Type '{parsed.MediaType}' is not supported: use {FhirMediaTypes.Json}, application/json, {FhirMediaTypes.Xml} or application/xml.");
    }

    private async Task<string> ReadTextAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = MaxBytes;
        }

        // Counting while reading bounds chunked bodies too, whatever the transport enforces.
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var body = new MemoryStream((int)Math.Min(request.ContentLength ?? 0, MaxBytes));
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > MaxBytes)
                {
                    throw TooLarge();
                }

                body.Write(buffer, 0, read);
            }

            return Decode(body);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Decode(MemoryStream body)
    {
        try
        {
            return StrictUtf8.GetString(body.GetBuffer(), 0, (int)body.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException e)
        {
            throw new BadRequestException($"The body is not valid UTF-8 (byte {e.Index}).");
        }
    }

    private PayloadTooLargeException TooLarge() => new($"The request body exceeds the limit of {MaxBytes} bytes.");
}
