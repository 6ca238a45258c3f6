using FhirBridge.Core.Errors;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;

namespace FhirBridge.Core.Tests.Security;

public sealed class AccessPolicyTests
{
    private readonly AccessPolicy _policy = new(new SearchQueryParser(new SearchParameterRegistry()));

    [Fact]
    public void CheckInteraction_ScopeGranted_Passes()
    {
        _policy.CheckInteraction(PolicyFixture.Professional("10001", "1.2.246.10.1", scope: "user/CarePlan.rs"), "CarePlan", ScopeAction.Read);
    }

    [Fact]
    public void CheckInteraction_MissingScope_IsForbiddenNamingIt()
    {
        var caller = PolicyFixture.Professional("10001", "1.2.246.10.1", scope: "user/CarePlan.rs");

        var error = Assert.Throws<ForbiddenException>(() => _policy.CheckInteraction(caller, "CarePlan", ScopeAction.Update));

        Assert.Contains("user/CarePlan.u", error.Message);
    }

    [Theory]
    [InlineData(CallerRole.ComplianceOfficer, "CarePlan", "compliance officers read logs, not client data")]
    [InlineData(CallerRole.ComplianceOfficer, "Practitioner", "compliance officers read logs, not client data")]
    [InlineData(CallerRole.Administrator, "Patient", "not client data")]
    [InlineData(CallerRole.Professional, "AuditEvent", "Only compliance officers")]
    [InlineData(CallerRole.SystemIntegration, "AuditEvent", "Only compliance officers")]
    [InlineData(CallerRole.Administrator, "AuditEvent", "not client data")]
    public void CheckInteraction_RoleGate_IsForbidden(CallerRole role, string type, string message)
    {
        var error = Assert.Throws<ForbiddenException>(() => _policy.CheckInteraction(PolicyFixture.WithRole(role), type, ScopeAction.Read));

        Assert.Contains(message, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(CallerRole.ComplianceOfficer, "AuditEvent", ScopeAction.Search)]
    [InlineData(CallerRole.Administrator, "Organization", ScopeAction.Create)]
    [InlineData(CallerRole.Administrator, "PractitionerRole", ScopeAction.Update)]
    [InlineData(CallerRole.ResponsibleWorker, "EpisodeOfCare", ScopeAction.Create)]
    [InlineData(CallerRole.SystemIntegration, "Consent", ScopeAction.Delete)]
    public void CheckInteraction_RoleAllowed_Passes(CallerRole role, string type, ScopeAction action)
    {
        _policy.CheckInteraction(PolicyFixture.WithRole(role), type, action);
    }

    [Fact]
    public void CheckInteraction_ComplianceOfficerWritingTheLog_IsForbidden()
    {
        Assert.Throws<ForbiddenException>(() => _policy.CheckInteraction(PolicyFixture.WithRole(CallerRole.ComplianceOfficer), "AuditEvent", ScopeAction.Update));
    }

    [Fact]
    public void IsUnrestricted_OnlySystemAndAllowedBreakGlass()
    {
        var professional = PolicyFixture.Professional("10001", "1.2.246.10.1");
        var breakGlass = professional with { BreakGlassReason = "Emergency" };

        Assert.True(_policy.IsUnrestricted(PolicyFixture.WithRole(CallerRole.SystemIntegration)));
        Assert.True(_policy.IsUnrestricted(breakGlass));
        Assert.False(_policy.IsUnrestricted(professional));
        Assert.False(_policy.IsUnrestricted(PolicyFixture.WithRole(CallerRole.Administrator) with { BreakGlassReason = "Emergency" }));
        Assert.False(new AccessPolicy(new SearchQueryParser(new SearchParameterRegistry()), new AccessPolicyOptions(AllowBreakGlass: false)).IsUnrestricted(breakGlass));
    }
}
