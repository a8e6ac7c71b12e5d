"use strict";
const { expect } = require("chai");
const { loadFixture } = require("@nomicfoundation/hardhat-network-helpers");
const { loanFixture, L } = require("./helpers/fixtures");

describe("fixtures", function () {
  it("build a consortium with a consent and a disbursed loan", async function () {
    const f = await loadFixture(loanFixture);
    expect(await f.Consortium.memberCount()).to.equal(6n);
    expect((await f.LoanBook.loan(f.loanId)).status).to.equal(BigInt(L.LoanStatus.Active));
  });
});
