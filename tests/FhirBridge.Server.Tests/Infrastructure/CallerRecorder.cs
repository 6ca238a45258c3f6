using System.Collections.Concurrent;
using FhirBridge.Core.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>
/// Wraps a test server's pipeline and keeps the <see cref="Caller"/> of each request that sends <see cref="Header"/>, so
/// tests can see what the server made of a token.
/// </summary>
public sealed class CallerRecorder : IStartupFilter
{
    public const string Header = "X-Test-Caller-Key";

    private readonly ConcurrentDictionary<string, Caller> _callers = new(StringComparer.Ordinal);

    /// <summary>The caller of the request that sent <paramref name="key"/> in <see cref="Header"/>.</summary>
    public Caller Of(string key) => _callers.TryGetValue(key, out var caller) ? caller : throw new InvalidOperationException($"No request with caller key {key} was authenticated.");

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, inner) =>
        {
            await inner(http);
            if (http.Request.Headers.TryGetValue(Header, out var key) && http.Features.Get<Caller>() is { } caller)
            {
                _callers[key.ToString()] = caller;
            }
        });
        next(app);
    };
}
