using Google.Protobuf;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>A request for an enterprise's tax report under a consent.</summary>
/// <param name="ConsentId">The consent (its consumer must be the caller's organization).</param>
/// <param name="Scopes">The scopes wanted (all granted by the consent).</param>
public sealed record ReportRequest(ConsentId ConsentId, Scopes Scopes)
{
    /// <summary>Start of the data period (unix seconds); null: the consent's own start.</summary>
    public ulong? PeriodFrom { get; init; }
    /// <summary>End of the data period (unix seconds); null: the consent's own end.</summary>
    public ulong? PeriodUntil { get; init; }
    /// <summary>The caller's unique id of this request; null: a new random id. A request id is served once.</summary>
    public string? RequestId { get; init; }
    /// <summary>
    /// What the data is for (<see cref="PurposeCodes"/>; default credit assessment). The tax node serves only the purpose
    /// the consent names (a different one is refused and recorded, LEDGER-1529); the purpose is part of the request hash.
    /// </summary>
    public uint Purpose { get; init; } = PurposeCodes.CreditAssessment;
}

/// <summary>
/// A report as the tax node served it: sealed to the caller's encryption key, bound to the consent and the request,
/// with the hashes the access record holds. <see cref="Open"/> decrypts it and checks it against those hashes.
/// </summary>
public sealed record FetchedReport(
    FetchRequest Request,
    byte[] Envelope,
    Hash32 RequestHash,
    Hash32 ResponseHash,
    ulong CheckedAtBlock,
    ulong ServedAtMs,
    AnchorReference AccessRecord,
    ChainTransaction? StrongModeTransaction)
{
    /// <summary>
    /// Decrypts the report with the consumer's encryption key pair and checks it: the envelope must be bound to this
    /// consent and request, and the plaintext must hash to the response hash the provider recorded.
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1100…1107 when the envelope is truncated, tampered or sealed to another
    /// key or request; LEDGER-1602 when the plaintext is not what the provider recorded.</exception>
    public TaxReport Open(EnvelopeKeyPair encryption)
    {
        ArgumentNullException.ThrowIfNull(encryption);
        var plaintext = encryption.Open(Envelope, new EnvelopeBinding(Request.ConsentId, Request.Hash()));
        var hash = Keccak.Hash(plaintext);
        if (hash != ResponseHash)
        {
            throw new LedgerException(SdkErrors.ResponseMismatchCode, ErrorCategory.Tampered,
                $"The report hashes to {hash}, but the tax node recorded {ResponseHash} for this request; do not use it, and report request {Request.RequestId} to the tax bureau.");
        }
        return TaxReport.FromJson(System.Text.Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>The outcome of a tax-data import.</summary>
public sealed record ImportOutcome(int Imported, IReadOnlyList<string> Rejected);

/// <summary>An enterprise as the tax node lists it.</summary>
public sealed record EnterpriseSummary(CreditCode CreditCode, string Name, EnterpriseHash CreditCodeHash, TaxCreditRating? LatestRating, EthAddress? BoundAccount);

/// <summary>
/// The tax node: consented data exchange (<see cref="FetchReportAsync"/>, for banks and guarantors) and the bureau's
/// own administration (binding enterprises, importing and generating tax data, ratings; for the bureau's operators).
/// </summary>
public sealed class TaxClient
{
    private readonly LedgerConnection _connection;
    private readonly Proto.DataExchange.DataExchangeClient _exchange;
    private readonly Proto.TaxAdmin.TaxAdminClient _admin;

    /// <summary>A client over <paramref name="connection"/> (a connection to a tax node).</summary>
    public TaxClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _exchange = new Proto.DataExchange.DataExchangeClient(connection.Invoker);
        _admin = new Proto.TaxAdmin.TaxAdminClient(connection.Invoker);
    }

    /// <summary>
    /// Asks for a report under a consent. The tax node checks the consent on chain as of its latest block, records the
    /// access durably, and answers with the report sealed to the caller's registered encryption key.
    /// </summary>
    /// <exception cref="LedgerRemoteException">when refused (PERMISSION_DENIED, FAILED_PRECONDITION, NOT_FOUND; the
    /// refusal record's hash in <see cref="LedgerRemoteException.RefusalRecord"/>) or the input is malformed.</exception>
    public async Task<FetchedReport> FetchReportAsync(ReportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var requestId = request.RequestId ?? Guid.NewGuid().ToString("N");
        var message = new Proto.FetchReportRequest
        {
            ConsentId = request.ConsentId.ToString(),
            Consumer = _connection.Identity.Organization.Code,
            Scopes = (ulong)request.Scopes,
            PeriodFrom = request.PeriodFrom ?? 0,
            PeriodUntil = request.PeriodUntil ?? 0,
            RequestId = requestId,
            Purpose = request.Purpose,
        };
        var expected = new FetchRequest(request.ConsentId, _connection.Identity.Organization, _connection.Info.Organization,
            request.Scopes, request.Purpose, message.PeriodFrom, message.PeriodUntil, requestId);
        var response = await Calls.RunAsync(_connection.Address, () => _exchange.FetchReportAsync(message, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        var fetched = Calls.Parse(() => new FetchedReport(
            expected,
            response.Envelope.ToByteArray(),
            ApiMapping.Hash(response.RequestHash, "request_hash"),
            ApiMapping.Hash(response.ResponseHash, "response_hash"),
            response.CheckedAtBlock,
            response.ServedAtMs,
            ApiMapping.FromProto(response.AccessRecord ?? throw new FormatException("access_record is missing")),
            ApiMapping.FromProto(response.StrongModeTx)));
        if (fetched.RequestHash != expected.Hash())
        {
            throw SdkErrors.MalformedResponse($"the node recorded request hash {fetched.RequestHash} but this request hashes to {expected.Hash()}");
        }
        return fetched;
    }

    /// <summary>Fetches and opens with the connection identity's encryption key.</summary>
    public async Task<(FetchedReport Fetched, TaxReport Report)> FetchAndOpenAsync(ReportRequest request, CancellationToken cancellationToken = default)
    {
        var encryption = _connection.Identity.Encryption
            ?? throw SdkErrors.InvalidArgument("The connection's identity has no encryption key, so it cannot open reports; create the identity with the node's encryption key pair.");
        var fetched = await FetchReportAsync(request, cancellationToken).ConfigureAwait(false);
        return (fetched, fetched.Open(encryption));
    }

    /// <summary>
    /// The binding <paramref name="account"/> must sign to be bound to <paramref name="creditCode"/> by this tax bureau
    /// (salted hash, bureau, a fresh nonce, a deadline an hour away), and the credit code's active account on chain
    /// (null when none: bind; otherwise the new account replaces it by rotation).
    /// </summary>
    public async Task<PreparedBinding> PrepareBindingAsync(CreditCode creditCode, EthAddress account, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _admin.PrepareBindingAsync(
            new Proto.PrepareBindingRequest { CreditCode = creditCode.Value, Account = account.ToString() },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() =>
        {
            var binding = new EnterpriseBinding(
                account,
                new EnterpriseHash(ApiMapping.Hash(response.CreditCodeHash, "credit_code_hash")),
                OrgId.FromCode(response.TaxBureau),
                ApiMapping.UInt256(response.Nonce, "nonce"),
                response.Deadline);
            var digest = binding.DigestIn(_connection.ConsentDomain);
            if (digest != ApiMapping.Hash(response.Digest, "digest"))
            {
                throw new FormatException($"digest {response.Digest} is not the EIP-712 digest of the binding the node returned ({digest})");
            }
            EthAddress? bound = string.IsNullOrEmpty(response.BoundAccount) ? null : ApiMapping.Account(response.BoundAccount, "bound_account");
            return new PreparedBinding(binding, digest, bound);
        });
    }

    /// <summary>
    /// Relays a binding the enterprise account signed (<see cref="PrepareBindingAsync"/>); with
    /// <paramref name="rotate"/> the account replaces the credit code's active one (key recovery: the old account is
    /// retired and every consent it signed stops working). Returns the salted hash and the transaction.
    /// </summary>
    public async Task<(EnterpriseHash CreditCodeHash, ChainTransaction Transaction)> BindEnterpriseAsync(
        CreditCode creditCode, EnterpriseBinding binding, ReadOnlyMemory<byte> signature, bool rotate = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var response = await Calls.RunAsync(_connection.Address, () => _admin.BindEnterpriseAsync(
            new Proto.BindEnterpriseRequest
            {
                CreditCode = creditCode.Value,
                Account = binding.Enterprise.ToString(),
                Nonce = binding.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Deadline = (ulong)binding.Deadline,
                Signature = ByteString.CopyFrom(signature.Span),
                Rotate = rotate,
            },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => (new EnterpriseHash(ApiMapping.Hash(response.CreditCodeHash, "credit_code_hash")),
            ApiMapping.FromProto(response.Tx) ?? throw new FormatException("tx is missing")));
    }

    /// <summary>
    /// Binds the enterprise's wallet account to its credit code in one go: prepares the binding, has the wallet sign it
    /// and relays it (the wallet's key stays here). Returns the salted hash.
    /// </summary>
    public async Task<(EnterpriseHash CreditCodeHash, ChainTransaction Transaction)> BindEnterpriseAsync(CreditCode creditCode, EnterpriseWallet wallet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var prepared = await PrepareBindingAsync(creditCode, wallet.Address, cancellationToken).ConfigureAwait(false);
        var signature = wallet.SignBinding(prepared.Binding, _connection.ConsentDomain);
        return await BindEnterpriseAsync(creditCode, prepared.Binding, signature, rotate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Key rotation: the enterprise's new wallet signs, this bureau (the one that made the binding) relays, the old
    /// account is retired and every consent it signed stops working (the enterprise consents again with the new key).
    /// </summary>
    public async Task<(EnterpriseHash CreditCodeHash, ChainTransaction Transaction)> RotateEnterpriseKeyAsync(CreditCode creditCode, EnterpriseWallet newWallet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newWallet);
        var prepared = await PrepareBindingAsync(creditCode, newWallet.Address, cancellationToken).ConfigureAwait(false);
        var signature = newWallet.SignBinding(prepared.Binding, _connection.ConsentDomain);
        return await BindEnterpriseAsync(creditCode, prepared.Binding, signature, rotate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Imports taxpayers: <paramref name="format"/> is <c>json</c> (an array), <c>jsonl</c> or <c>csv</c> (docs/api.md, "Tax data import").</summary>
    public async Task<ImportOutcome> ImportTaxDataAsync(string format, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _admin.ImportTaxDataAsync(
            new Proto.ImportTaxDataRequest { Format = format, Content = ByteString.CopyFrom(content.Span) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ImportOutcome((int)response.Imported, response.Rejected.ToList());
    }

    /// <summary>Generates synthetic taxpayers on the node (deterministic for a seed).</summary>
    public async Task<ImportOutcome> GenerateSyntheticDataAsync(uint count, ulong seed, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _admin.GenerateSyntheticDataAsync(
            new Proto.GenerateRequest { Count = count, Seed = seed }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ImportOutcome((int)response.Imported, response.Rejected.ToList());
    }

    /// <summary>Records a year's rating; a downgrade raises an alert to the members exposed to the enterprise.</summary>
    public Task UpdateRatingAsync(CreditCode creditCode, int year, TaxCreditRating rating, CancellationToken cancellationToken = default) =>
        Calls.RunAsync(_connection.Address, () => _admin.UpdateRatingAsync(
            new Proto.UpdateRatingRequest { CreditCode = creditCode.Value, Year = (uint)year, Rating = rating.ToString() },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken));

    /// <summary>
    /// The credit-code hash of the enterprise with this unified social credit code or registered name — for a caller
    /// entitled to it: auditors and regulators, the bureau, and a bank or guarantor one of the enterprise's consents
    /// names. Any other caller gets LEDGER-1523, whether the enterprise exists or not.
    /// </summary>
    public async Task<EnterpriseSummary> ResolveEnterpriseAsync(string creditCodeOrName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(creditCodeOrName);
        var text = creditCodeOrName.Trim();
        var request = CreditCode.TryParse(text, out var code) ? new Proto.ResolveEnterpriseRequest { CreditCode = code.Value } : new Proto.ResolveEnterpriseRequest { Name = text };
        var resolved = await Calls.RunAsync(_connection.Address, () => _exchange.ResolveEnterpriseAsync(
            request, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => new EnterpriseSummary(
            CreditCode.Parse(resolved.CreditCode), resolved.Name, new EnterpriseHash(ApiMapping.Hash(resolved.CreditCodeHash, "credit_code_hash")), null, null));
    }

    /// <summary>Enterprises the node holds, in credit-code order.</summary>
    public async Task<IReadOnlyList<EnterpriseSummary>> ListEnterprisesAsync(uint limit = 100, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _admin.ListEnterprisesAsync(
            new Proto.ListEnterprisesRequest { Limit = limit }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => response.Enterprises.Select(e => new EnterpriseSummary(
            CreditCode.Parse(e.CreditCode),
            e.Name,
            new EnterpriseHash(ApiMapping.Hash(e.CreditCodeHash, "credit_code_hash")),
            Enum.TryParse<TaxCreditRating>(e.LatestRating, out var rating) ? rating : null,
            string.IsNullOrEmpty(e.BoundAccount) ? null : ApiMapping.Account(e.BoundAccount, "bound_account"))).ToList());
    }
}

/// <summary>A binding for the enterprise account to sign, its EIP-712 digest, and the credit code's active account (null when none).</summary>
public sealed record PreparedBinding(EnterpriseBinding Binding, Hash32 Digest, EthAddress? BoundAccount);
