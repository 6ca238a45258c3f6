using Npgsql;

namespace FhirBridge.Testing;

/// <summary>
/// xunit collection fixture giving tests fresh PostgreSQL databases on one throw-away cluster per test process
/// (<see cref="PostgresServer.Shared"/>), started on first use and stopped at process exit.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync() => _server = await PostgresServer.Shared;

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => Server.CreateDatabaseAsync();
}

/// <summary>A PostgreSQL cluster from the local server binaries in a temporary directory, on a free 127.0.0.1 port, trust auth.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(() => StartSharedAsync());

    private readonly string _root;
    private readonly string _binDirectory;
    private int _stopped;

    private PostgresServer(string root, string binDirectory, int port)
    {
        _root = root;
        _binDirectory = binDirectory;
        Port = port;
    }

    /// <summary>The cluster shared by the whole test process.</summary>
    public static Task<PostgresServer> Shared => SharedServer.Value;

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Starts a private cluster; dispose it to stop it and delete its files.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var binDirectory = await FindBinDirectoryAsync();
        var root = Path.Combine(Path.GetTempPath(), "fhirbridge-pg-" + Guid.NewGuid().ToString("N"));
        CreateWorldWritable(root);
        CreateWorldWritable(Path.Combine(root, "socket"));
        var server = new PostgresServer(root, binDirectory, LoopbackPorts.Free());
        try
        {
            await server.RunAsync("initdb", "-D", server.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync");
            await server.RunAsync(
                "pg_ctl",
                "-D",
                server.DataDirectory,
                "-l",
                Path.Combine(root, "server.log"),
                "-w",
                "-o",
                $"-F -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1 -p {server.Port} -k {Path.Combine(root, "socket")}",
                "start");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string to <paramref name="database"/> on this cluster.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, IncludeErrorDetail = true }.ConnectionString;

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>Stops the server at once (<c>pg_ctl -m immediate stop</c>); idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0 && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = await StartAsync();
        // The test host may be killed right after the run, before any exit handler finishes: a detached watchdog
        // stops the cluster and deletes its files once this process is gone, however it ends.
        PostgresProcess.StartWatchdog(
            Environment.ProcessId,
            PostgresProcess.CommandLine(Path.Combine(server._binDirectory, "pg_ctl"), ["-D", server.DataDirectory, "-m", "immediate", "-w", "stop"]),
            server._root);
        return server;
    }

    private static async Task<string> FindBinDirectoryAsync()
    {
        var fromPgConfig = await PostgresProcess.TryOutputAsync("pg_config", "--bindir");
        var candidates = new List<string>();
        if (fromPgConfig is not null)
        {
            candidates.Add(fromPgConfig.Trim());
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
                    ? "PostgreSQL server binaries (initdb, pg_ctl) are missing on this CI runner; the PostgreSQL tests cannot run. Install them in the CI image: apt-get install -y postgresql."
                    : "PostgreSQL server binaries (initdb, pg_ctl) were not found via pg_config --bindir or /usr/lib/postgresql/*/bin. Install them: apt-get install -y postgresql.");
    }

    private static void CreateWorldWritable(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            // The cluster may run as another user (postgres) than the test process (root).
            File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        }
    }

    private Task RunAsync(string tool, params string[] arguments) =>
        PostgresProcess.RunAsync(Path.Combine(_binDirectory, tool), arguments, _root);
}
