using System.Security.Cryptography;
using System.Text;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// The API's access token: 32 random bytes, base64url, in the file <c>api.token</c> in the repo, readable by its
/// owner only (mode 0600), presented as <c>Authorization: Bearer &lt;token&gt;</c>. The daemon requires it whenever
/// the file exists, and creates the file when the API is bound to anything but loopback, where other machines'
/// users could otherwise reach it. The CLI reads the same file, so whoever can read the repo can use the API.
/// </summary>
public static class ApiToken
{
    public const string FileName = "api.token";

    /// <summary>A token file is one line of base64url; anything longer is not one, and is not read into memory.</summary>
    private const int MaxFileBytes = 1024;

    public static string PathIn(string repoPath) => Path.Join(repoPath, FileName);

    /// <summary>The token stored in the repo, or null when there is none. Throws <see cref="InvalidDataException"/> for a malformed file.</summary>
    public static string? TryRead(string repoPath)
    {
        var path = PathIn(repoPath);
        if (!File.Exists(path))
            return null;
        if (new FileInfo(path).Length > MaxFileBytes)
            throw new InvalidDataException($"{path} is larger than {MaxFileBytes} bytes; it is not an API token");
        var token = File.ReadAllText(path).Trim();
        if (token.Length < 16 || token.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new InvalidDataException($"{path} does not hold a token (16 or more base64url characters)");
        return token;
    }

    /// <summary>The stored token, creating one (owner-only permissions) when the repo has none.</summary>
    public static string ReadOrCreate(string repoPath)
    {
        if (TryRead(repoPath) is { } existing)
            return existing;
        var token = NewToken();
        var path = PathIn(repoPath);
        // Created with owner-only permissions, so the token is never readable by others, not even briefly.
        AtomicFile.Write(path, Encoding.ASCII.GetBytes(token + "\n"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return token;
    }

    /// <summary>32 random bytes as base64url: the file's token, and the dashboard's per-run one.</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether an Authorization header carries <paramref name="token"/>, compared in constant time.</summary>
    public static bool Matches(string? authorization, string token)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var presented = Encoding.ASCII.GetBytes(authorization[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(token));
    }
}
