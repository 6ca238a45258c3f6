using Hl7.Fhir.Model;

namespace FhirBridge.Fakes;

/// <summary>
/// Builds the statutory plans a fake serves, typed with the system's own LOCAL document-type codes (the ones the
/// ConceptMaps in mappings/ translate to FhirBridge's statutory-plan-type), as a real connected system would.
/// </summary>
public static class StatutoryPlans
{
    /// <summary>The patient-record system's document types (mappings/ConceptMap-ehr-plan-type.json).</summary>
    public const string EhrDocumentTypeSystem = "https://ehr.example/fhir/CodeSystem/document-type";

    /// <summary>The social-welfare client system's document types (mappings/ConceptMap-social-welfare-plan-type.json).</summary>
    public const string SocialWelfareDocumentTypeSystem = "urn:oid:1.2.246.10.12345678.10.2";

    public const string PersonalIdentityCodeSystem = "urn:oid:1.2.246.21";
    public const string UriSystem = "urn:ietf:rfc:3986";

    /// <summary>The local document-type system of a kind of system.</summary>
    public static string DocumentTypeSystem(FakeSystemKind kind) => kind switch
    {
        FakeSystemKind.Ehr => EhrDocumentTypeSystem,
        FakeSystemKind.SocialWelfare => SocialWelfareDocumentTypeSystem,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The local code of the statutory plan each kind holds: the EHR's health and care plan (HOISUU, terveys- ja
    /// hoitosuunnitelma), the social-welfare system's client plan (ASSUUNN, asiakassuunnitelma).</summary>
    public static string StatutoryPlanCode(FakeSystemKind kind) => kind switch
    {
        FakeSystemKind.Ehr => "HOISUU",
        FakeSystemKind.SocialWelfare => "ASSUUNN",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The local document type <paramref name="code"/> (default: the kind's statutory plan) of a kind of system.</summary>
    public static Coding PlanType(FakeSystemKind kind, string? code = null) => new(DocumentTypeSystem(kind), code ?? StatutoryPlanCode(kind));

    /// <summary>A current plan document of the client <paramref name="hetu"/> held by <paramref name="custodianOid"/>.</summary>
    /// <param name="typeCode">The local document-type code; null: the kind's statutory plan.</param>
    public static DocumentReference Create(
        FakeSystemKind kind, Uri baseUrl, string custodianOid, string hetu, string documentOid, string title, DateTimeOffset date, string? typeCode = null)
    {
        var id = Guid.NewGuid().ToString("N");
        return new DocumentReference
        {
            Id = id,
            Status = DocumentReferenceStatus.Current,
            MasterIdentifier = new Identifier(UriSystem, Urn(documentOid)),
            Type = new CodeableConcept { Coding = [PlanType(kind, typeCode)], Text = title },
            Subject = new ResourceReference { Identifier = new Identifier(PersonalIdentityCodeSystem, hetu) },
            Date = date,
            Custodian = new ResourceReference { Identifier = new Identifier(UriSystem, Urn(custodianOid)) },
            Description = title,
            Content =
            [
                new DocumentReference.ContentComponent
                {
                    Attachment = new Attachment { ContentType = "application/pdf", Url = $"{baseUrl}/Binary/{id}", Title = title },
                },
            ],
        };
    }

    private static string Urn(string oid) => oid.StartsWith("urn:oid:", StringComparison.Ordinal) ? oid : "urn:oid:" + oid;
}
