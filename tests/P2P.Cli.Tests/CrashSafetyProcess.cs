using System.Diagnostics;

namespace P2P.Cli.Tests;

/// <summary>
/// An offline `p2p` process that a crash-safety test SIGKILLs once it sees the operation under way (a file growing,
/// the repo lock held), never on a timer. Every wait is bounded by the caller's token.
/// </summary>
public static class CrashSafetyProcess
{
    /// <summary>
    /// Starts `p2p ARGS` on <paramref name="repo"/> and polls <paramref name="started"/> every 2 ms; when it holds
    /// while the process is still running, sends SIGKILL. Returns true when the kill landed mid-operation, false
    /// when the process finished first (the caller retries a bounded number of times).
    /// </summary>
    public static async Task<bool> KillWhenAsync(string repo, Func<Process, bool> started, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "p2p.dll"));
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["P2P_PATH"] = repo;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start p2p");
        var drainOut = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct);
        var drainErr = process.StandardError.BaseStream.CopyToAsync(Stream.Null, ct);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
        var killed = false;
        while (!process.HasExited)
        {
            if (started(process))
            {
                process.Kill();
                killed = true;
                break;
            }
            await timer.WaitForNextTickAsync(ct);
        }
        await process.WaitForExitAsync(ct);
        await Task.WhenAll(drainOut, drainErr);
        // A process that exited on its own before the signal did not crash only if it exited 0.
        if (!killed)
            Assert.True(process.ExitCode == 0, $"p2p {string.Join(' ', args)} exited {process.ExitCode} without being killed");
        return killed;
    }

    /// <summary>True when the process holds an open descriptor on <paramref name="path"/> (Linux /proc).</summary>
    public static bool Holds(Process process, string path)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{process.Id}/fd"))
            {
                if (new FileInfo(fd).LinkTarget == path)
                    return true;
            }
        }
        catch (IOException)
        {
            // The process exited between the check and the listing.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise: /proc entries vanish with the process.
        }
        return false;
    }

    /// <summary>Total bytes of the pack segments in <paramref name="repo"/>.</summary>
    public static long PackBytes(string repo)
    {
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repo, "blocks"), "pack-*.dat"))
        {
            var info = new FileInfo(file);
            // gc's compaction removes old segments: a file listed a moment ago may be gone.
            total += info.Exists ? info.Length : 0;
        }
        return total;
    }

    /// <summary>Every leftover temp file in <paramref name="dir"/> (recursively): `*.tmp`.</summary>
    public static string[] TempFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.tmp", SearchOption.AllDirectories).ToArray();
}
