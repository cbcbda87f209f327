using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting;
using P2P.Node.Storage;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p daemon`: runs the node from the repo's config until SIGINT or SIGTERM, then stops cleanly (saves the
/// routing table, removes the api file, releases the repo lock). Logs go to the console and to a rolling
/// compact-JSON file under the repo's logs/ folder.
/// </summary>
internal static class DaemonCommand
{
    public static Command Create()
    {
        var logLevel = new Option<string?>("--log-level") { Description = "trace, debug, information, warning or error (default: the config's logLevel)" };
        logLevel.AcceptOnlyFromAmong("trace", "debug", "information", "warning", "error", "critical", "none");
        var listen = new Option<string?>("--listen") { Description = "UDP multiaddr to listen on, overriding the config (port 0 picks one)" };
        var api = new Option<string?>("--api") { Description = "API address:port, overriding the config (port 0 picks one; beyond loopback it needs the access token)" };
        var gateway = new Option<string?>("--gateway") { Description = "Gateway address:port, overriding the config (port 0 picks one)" };
        api.Validators.Add(result => CheckEndpoint(result, "--api"));
        gateway.Validators.Add(result => CheckEndpoint(result, "--gateway"));
        var uploadRate = new Option<long?>("--upload-rate")
        {
            Description = "Upload cap in bytes per second over all peers, overriding the config's limits.uploadRateBytesPerSecond (0 = unlimited)",
        };
        uploadRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 0)
                result.AddError("--upload-rate must be 0 (unlimited) or more");
        });
        var command = new Command("daemon", "Run the node: join the network, serve the API, provide what the repo holds.\n\nExamples:\n  p2p daemon\n  p2p daemon --log-level debug --api 127.0.0.1:0 --gateway 127.0.0.1:0\n  p2p daemon --upload-rate 10000000")
        {
            logLevel, listen, api, gateway, uploadRate,
        };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var path = RepoAccess.PathFor(parse);
            if (!Repo.Exists(path))
                throw new CliException($"no p2p repo at {path}: run `p2p init`", ExitCodes.Repo);
            var configLevel = TryReadLogLevel(path);
            var level = ToSerilog(parse.GetValue(logLevel) ?? configLevel ?? "information");
            await using var serilog = new LoggerConfiguration()
                .MinimumLevel.Is(level)
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                // The generic host logs a failed start with Kestrel's whole stack; the daemon reports the cause itself
                // in one line (a busy port: BindFailure), so the host's copy would only repeat it 30 lines long.
                .MinimumLevel.Override("Microsoft.Extensions.Hosting", LogEventLevel.Fatal)
                .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: LogEventLevel.Warning)
                .WriteTo.File(new CompactJsonFormatter(), Path.Join(path, "logs", "daemon-.clef"),
                    rollingInterval: RollingInterval.Day, fileSizeLimitBytes: 16 * 1024 * 1024, rollOnFileSizeLimit: true, retainedFileCountLimit: 10)
                .CreateLogger();
            using var loggers = new SerilogLoggerFactory(serilog);
            Daemon daemon;
            try
            {
                daemon = await Daemon.StartAsync(new DaemonOptions
                {
                    RepoPath = path,
                    Listen = parse.GetValue(listen),
                    Api = parse.GetValue(api),
                    UploadRate = parse.GetValue(uploadRate),
                    Gateway = parse.GetValue(gateway),
                }, loggers, ct);
            }
            catch (RepoException e)
            {
                throw new CliException(e.Message, ExitCodes.Repo);
            }
            await using (daemon)
            {
                Console.Out.WriteLine($"PeerId {daemon.Host.PeerId}");
                Console.Out.WriteLine($"Listening on {daemon.Host.Address}");
                // The multiaddrs the daemon wrote for the CLI to discover (the real ports when 0 was asked).
                Console.Out.WriteLine($"API server listening on {File.ReadAllText(daemon.ApiFilePath).Trim()}");
                Console.Out.WriteLine($"WebUI: {daemon.WebUiUrl}");
                if (daemon.Gateway is not null)
                    Console.Out.WriteLine($"Gateway server listening on {File.ReadAllText(daemon.GatewayFilePath).Trim()}");
                Console.Out.WriteLine("Daemon is ready");
                await Console.Out.FlushAsync(CancellationToken.None);
                try
                {
                    await daemon.ShutdownRequested.WaitAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    // SIGINT or SIGTERM, or `p2p shutdown` above: fall through to the clean shutdown.
                }
            }
            Console.Out.WriteLine("Daemon stopped");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The option's value must be an address:port such as 127.0.0.1:5001 (port 0 lets the OS pick).</summary>
    private static void CheckEndpoint(System.CommandLine.Parsing.OptionResult result, string name)
    {
        var text = result.GetValueOrDefault<string?>();
        if (text is not null && !HostSyntax.TryParseEndpoint(text, out _, out var error))
            result.AddError($"{name} {error}");
    }

    private static string? TryReadLogLevel(string repoPath)
    {
        try
        {
            return RepoConfig.Load(Path.Join(repoPath, Repo.ConfigFileName)).LogLevel;
        }
        catch (RepoException)
        {
            return null; // Opening the repo reports a bad config properly.
        }
    }

    private static LogEventLevel ToSerilog(string level) => level.ToLowerInvariant() switch
    {
        "trace" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "warning" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "critical" or "none" => LogEventLevel.Fatal,
        _ => LogEventLevel.Information,
    };

}
