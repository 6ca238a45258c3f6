using Hl7.Fhir.Model;

namespace FhirBridge.Fakes;

/// <summary>Builds the statutory plans a fake serves, shaped like FhirBridge's StatutoryPlanReference profile.</summary>
public static class StatutoryPlans
{
    public const string PlanTypeSystem = "https://fhirbridge.fi/fhir/CodeSystem/statutory-plan-type";
    public const string PersonalIdentityCodeSystem = "urn:oid:1.2.246.21";
    public const string UriSystem = "urn:ietf:rfc:3986";

    /// <summary>The plan type each kind of system holds: the EHR the health-care plan (terveys- ja hoitosuunnitelma),
    /// the social-welfare system the client plan (asiakassuunnitelma).</summary>
    public static Coding PlanType(FakeSystemKind kind) => kind switch
    {
        FakeSystemKind.Ehr => new Coding(PlanTypeSystem, "health-plan", "Health and care plan"),
        FakeSystemKind.SocialWelfare => new Coding(PlanTypeSystem, "social-welfare-plan", "Social welfare client plan"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A current statutory plan of the client <paramref name="hetu"/> held by <paramref name="custodianOid"/>.</summary>
    public static DocumentReference Create(
        FakeSystemKind kind, Uri baseUrl, string custodianOid, string hetu, string documentOid, string title, DateTimeOffset date)
    {
        var id = Guid.NewGuid().ToString("N");
        return new DocumentReference
        {
            Id = id,
            Status = DocumentReferenceStatus.Current,
            MasterIdentifier = new Identifier(UriSystem, Urn(documentOid)),
            Type = new CodeableConcept { Coding = [PlanType(kind)], Text = title },
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
