using System.Text.RegularExpressions;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Operations;

/// <summary>The request checks every interaction shares: served type, id syntax, body type and id.</summary>
internal static partial class ResourceRules
{
    public static void EnsureServed(string type) => ServedTypes.EnsureStored(type);

    // https://hl7.org/fhir/R4/datatypes.html#id
    public static void EnsureId(string id, string expression = "id")
    {
        if (!IdPattern().IsMatch(id))
        {
            throw new BadRequestException($"'{id}' is not a valid resource id (1-64 of A-Z, a-z, 0-9, '-', '.').", expression);
        }
    }

    public static void EnsureBodyType(string type, Resource resource, string expression = "resourceType")
    {
        if (resource.TypeName != type)
        {
            throw new BadRequestException($"The body is a {resource.TypeName} but the URL is for {type}.", expression);
        }
    }

    /// <summary>https://hl7.org/fhir/R4/http.html#update: the body's id must be present and equal the URL's.</summary>
    public static void EnsureBodyId(string id, Resource resource, string expression = "id")
    {
        if (string.IsNullOrEmpty(resource.Id))
        {
            throw new BadRequestException("An update needs the resource id in the body.", expression);
        }

        if (resource.Id != id)
        {
            throw new BadRequestException($"The body's id '{resource.Id}' differs from the URL's id '{id}'.", expression);
        }
    }

    public static string NewId() => Guid.NewGuid().ToString("N");

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex IdPattern();
}
