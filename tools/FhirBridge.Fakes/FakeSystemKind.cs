namespace FhirBridge.Fakes;

/// <summary>Which connected system a fake plays: the patient-record system (EHR) or the social-welfare client system.</summary>
public enum FakeSystemKind
{
    Ehr,
    SocialWelfare,
}
