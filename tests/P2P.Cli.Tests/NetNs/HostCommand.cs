using System.Diagnostics;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// Runs the host's network tools (ip, nft, tc) to build and tear down test namespaces. They finish in milliseconds,
/// so the calls are synchronous; a tool that does not exit within <see cref="Timeout"/> is killed and reported.
/// </summary>
public static class HostCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="tool"/> and throws with its stderr when it fails.</summary>
    public static string Run(string tool, params string[] args) => RunWithInput(tool, null, args);

    /// <summary>Runs <paramref name="tool"/> with <paramref name="stdin"/> (an nft ruleset) and throws when it fails.</summary>
    public static string RunWithInput(string tool, string? stdin, params string[] args)
    {
        var (code, stdout, stderr) = TryRun(tool, stdin, args);
        if (code != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {code}: {stderr.Trim()}");
        return stdout;
    }

    /// <summary>Runs <paramref name="tool"/> and returns its exit code and output; -1 when it cannot be started.</summary>
    public static (int ExitCode, string Stdout, string Stderr) TryRun(string tool, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        Process? process;
        try
        {
            process = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", $"{tool}: {e.Message}");
        }
        if (process is null)
            return (-1, "", $"{tool} did not start");
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
                process.StandardInput.Write(stdin);
            process.StandardInput.Close();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return (-1, stdout.Result, $"{tool} {string.Join(' ', args)} did not finish in {Timeout.TotalSeconds} s");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
