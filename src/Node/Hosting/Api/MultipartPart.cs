namespace P2P.Node.Hosting.Api;

/// <summary>
/// One part of a multipart body from <see cref="MultipartPipeReader"/>: the two headers the add reads and the part's
/// data. <see cref="Body"/> is valid until the next part is asked for; what is left unread then is skipped.
/// </summary>
public sealed class MultipartPart
{
    private readonly MultipartPartStream _body;

    internal MultipartPart(MultipartPartStream body, string? contentDisposition, string? contentType)
    {
        _body = body;
        ContentDisposition = contentDisposition;
        ContentType = contentType;
    }

    /// <summary>The raw Content-Disposition value, or null when the part has none.</summary>
    public string? ContentDisposition { get; }

    /// <summary>The raw Content-Type value, or null when the part has none.</summary>
    public string? ContentType { get; }

    /// <summary>The part's data, read asynchronously, each read copied straight from the request's pipe.</summary>
    public Stream Body => _body;

    internal ValueTask SkipRestAsync(CancellationToken ct) => _body.SkipRestAsync(ct);
}
