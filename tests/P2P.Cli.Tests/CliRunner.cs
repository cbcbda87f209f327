using System.Diagnostics;
using System.Text;

namespace P2P.Cli.Tests;

/// <summary>The outcome of one `p2p` process.</summary>
public sealed record CliResult(int ExitCode, byte[] StdoutBytes, string Stderr)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Runs the real `p2p` executable (the p2p.dll built next to the tests) as a child process against a
/// repo of the test's own, so the tests see exactly what a user sees: stdout, stderr and the exit code.
/// </summary>
public static class CliRunner
{
    private static readonly string DllPath = Path.Combine(AppContext.BaseDirectory, "p2p.dll");

    public static async Task<CliResult> RunAsync(string repo, params string[] args) =>
        await RunWithInputAsync(repo, null, args);

    public static Task<CliResult> RunWithInputAsync(string repo, byte[]? stdin, params string[] args) =>
        RunInNamespaceAsync(null, repo, stdin, args);

    /// <summary>
    /// Runs `p2p ARGS` inside the network namespace <paramref name="netns"/> (through `ip netns exec`), where the
    /// daemon's loopback API lives, or in the test's own namespace when it is null.
    /// </summary>
    public static async Task<CliResult> RunInNamespaceAsync(string? netns, string repo, byte[]? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(netns is null ? "dotnet" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (netns is not null)
        {
            foreach (var a in new[] { "netns", "exec", netns, "dotnet" })
                psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["P2P_PATH"] = repo;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start p2p");
        var stdoutTask = CopyAllAsync(process.StandardOutput.BaseStream);
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"p2p {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return new CliResult(process.ExitCode, await stdoutTask, await stderrTask);
    }

    /// <summary>
    /// Starts `p2p ARGS` against <paramref name="repo"/> with stdout and stderr redirected and leaves it running, for a
    /// test that reads its output as it comes, stops reading, signals or kills it. The caller disposes it.
    /// </summary>
    public static Process Start(string repo, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["P2P_PATH"] = repo;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start p2p");
    }

    private static async Task<byte[]> CopyAllAsync(Stream stream)
    {
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms);
        return ms.ToArray();
    }
}
