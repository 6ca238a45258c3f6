namespace FhirBridge.Core.Security;

/// <summary>Which patients' data of one type a caller may see in searches and history, with the basis for each.</summary>
public sealed class PatientFilter
{
    private PatientFilter(LegalBasis? unrestrictedBasis, IReadOnlyDictionary<string, LegalBasis> patients)
    {
        UnrestrictedBasis = unrestrictedBasis;
        Patients = patients;
    }

    /// <summary>The basis under which every patient is visible (statutory task, break-glass); null when restricted.</summary>
    public LegalBasis? UnrestrictedBasis { get; }

    /// <summary>The visible patients (Patient ids) and the basis of each; empty when unrestricted.</summary>
    public IReadOnlyDictionary<string, LegalBasis> Patients { get; }

    public bool IsUnrestricted => UnrestrictedBasis is not null;

    public static PatientFilter Unrestricted(LegalBasis basis) => new(basis, new Dictionary<string, LegalBasis>());

    public static PatientFilter Only(IReadOnlyDictionary<string, LegalBasis> patients) => new(null, patients);

    /// <summary>The basis for <paramref name="patientId"/>'s data, or null when it is hidden.</summary>
    public LegalBasis? BasisFor(string patientId) => UnrestrictedBasis ?? Patients.GetValueOrDefault(patientId);
}
