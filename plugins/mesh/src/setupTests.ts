import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The shared CI machine renders a full test app slowly; the default 1 s
// makes findBy* flaky without saying anything about the code under test.
configure({ asyncUtilTimeout: 10_000 });

// Role queries over a whole entity tab take seconds on a busy 2-core machine.
jest.setTimeout(60_000);
