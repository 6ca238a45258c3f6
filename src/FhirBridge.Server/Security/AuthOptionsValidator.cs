using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Security;

/// <summary>Stops the start when tokens could not be validated: bad keys, or outside Development no keys, issuer or audience.</summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            try
            {
                SigningKeys.Parse(options.SigningKeys[i], i);
            }
            catch (InvalidOperationException e)
            {
                failures.Add(e.Message);
            }
        }

        if (options.Authority is not null && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            failures.Add($"{AuthOptions.Section}:Authority must be an absolute URL.");
        }

        if (!environment.IsDevelopment())
        {
            failures.AddRange(ProductionFailures(options));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private IEnumerable<string> ProductionFailures(AuthOptions options)
    {
        var section = AuthOptions.Section;
        if (options.SigningKeys.Count == 0 && options.Authority is null)
        {
            yield return $"No bearer-token signing keys in environment '{environment.EnvironmentName}': configure {section}:SigningKeys "
                + $"(Id with a base64 HS256 Key or an RSA/EC PublicKeyPem) or {section}:Authority (an OpenID Connect issuer). "
                + "The development key is trusted only in the Development environment.";
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            yield return $"{section}:Audience is required outside the Development environment.";
        }

        if (string.IsNullOrWhiteSpace(options.Issuer) && options.Authority is null)
        {
            yield return $"{section}:Issuer is required outside the Development environment unless {section}:Authority is set.";
        }
    }
}
