using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Rest;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>
/// The built server (<c>src/FhirBridge.Server/bin/&lt;Configuration&gt;/net10.0/FhirBridge.Server.dll</c>) as a child
/// process, <c>dotnet FhirBridge.Server.dll --urls http://127.0.0.1:&lt;free port&gt;</c>, configured through the environment
/// with the same settings an in-process <see cref="FhirServerFactory"/> gets. <see cref="Kill"/> is SIGKILL: no shutdown.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's root URL, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <summary>Starts the server with <paramref name="settings"/> and waits until <c>/fhir/metadata</c> answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var dll = ServerDll();
        var baseUrl = $"http://127.0.0.1:{FhirBridge.Testing.LoopbackPorts.Free()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? string.Empty;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {dll}.");
        var server = new ServerProcess(process, baseUrl);
        process.OutputDataReceived += server.Collect;
        process.ErrorDataReceived += server.Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>A client of this server sending <paramref name="token"/>.</summary>
    public HttpClient CreateClient(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A Firely SDK client of this server, as the system integration.</summary>
    public FhirClient CreateFhirClient() =>
        new(new Uri(BaseUrl + "/fhir/"), CreateClient(TestTokens.System), new FhirClientSettings
        {
            PreferredFormat = ResourceFormat.Json,
            VerifyFhirVersion = false,
            ReturnPreference = ReturnPreference.Representation,
        });

    /// <summary>SIGKILL to the server and its children, and waits until they are gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>What the server printed so far (for failure messages).</summary>
    public override string ToString()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private void Collect(object sender, DataReceivedEventArgs line)
    {
        lock (_output)
        {
            _output.AppendLine(line.Data);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server process exited with code {_process.ExitCode} before it answered: {this}");
            }

            try
            {
                using var response = await http.GetAsync("/fhir/metadata");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The server process did not answer GET {BaseUrl}/fhir/metadata within {StartTimeout.TotalSeconds} s: {this}");
            }

            await Task.Delay(100);
        }
    }

    // The test project references the server, so it is built in the same configuration beside this project's output.
    private static string ServerDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "src", "FhirBridge.Server", "bin", configuration, framework, "FhirBridge.Server.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        throw new FileNotFoundException($"No src/FhirBridge.Server/bin/{configuration}/{framework}/FhirBridge.Server.dll above {AppContext.BaseDirectory}.");
    }
}
